/**
 * A scripted LLM that plays every step of LLM imagination (personas, dialogues, critique,
 * revision) with well-formed, varied, deterministic replies — and, on chosen requests, with the
 * faults real models make: repeated personas, personas missing a field, critiques that fail a
 * draft, and replies that are not JSON at all. Each reply depends only on the request, so a
 * resumed run sees the same answers it would have seen without the interruption.
 *
 * @example
 * const server = await startScriptedServer(imaginationScript(spec));
 */
import { createHash } from 'node:crypto';
import type { TaskSpec } from '../../src/task/spec.ts';
import type { Script, ScriptedReply } from './scripted-llm-server.ts';

export type ImaginationFaults = {
  /** Share of first drafts whose critique fails (they get revised). */
  critiqueFailure: number;
  /** Share of dialogue requests answered with garbage, repair included (the dialogue is dropped). */
  garbage: number;
  /** Every n-th persona repeats an earlier one almost word for word. */
  duplicateEvery: number;
};

export const defaultFaults: ImaginationFaults = { critiqueFailure: 0.25, garbage: 0.05, duplicateEvery: 5 };

const unit = (text: string): number => createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;
const pick = <T>(items: readonly T[], key: string): T => items[Math.floor(unit(key) * items.length)] as T;

const occupations = ['nurse', 'software developer', 'retired teacher', 'student', 'chef', 'lawyer', 'farmer', 'musician', 'pilot', 'shop owner', 'architect', 'bus driver'];
const places = ['Lisbon', 'Osaka', 'Nairobi', 'Toronto', 'Lyon', 'Melbourne', 'Austin', 'Krakow', 'Lima', 'Seoul'];
const situations = ['has one free afternoon', 'is travelling with a teenager', 'just changed jobs', 'is preparing for an exam', 'wants to surprise a friend', 'is recovering from a long week', 'has a tight budget this month'];
const voices = ['terse and a little impatient', 'chatty and warm', 'vague, often says "I guess"', 'formal and precise', 'unsure, changes their mind'];

const personaReply = (spec: TaskSpec, batch: number, count: number, faults: ImaginationFaults): string => {
  const personas = Array.from({ length: count }, (_, index) => {
    const key = `${batch}-${index}`;
    const base = faults.duplicateEvery > 0 && index > 0 && index % faults.duplicateEvery === 0 ? `${batch}-${index - 1}` : key;
    const age = 20 + Math.floor(unit(`age-${base}`) * 55);
    const hidden = Object.fromEntries(
      spec.user.hiddenParameters
        // One persona in a batch forgets a parameter, as models do.
        .filter((parameter, position) => !(index === count - 1 && position === 0 && batch % 2 === 1))
        .map((parameter) => [parameter.name, parameter.values === undefined ? `level ${1 + Math.floor(unit(`${parameter.name}-${key}`) * 5)}` : pick(parameter.values, `${parameter.name}-${key}`)]),
    );
    return {
      summary: `A ${age}-year-old ${pick(occupations, `job-${base}`)} from ${pick(places, `place-${base}`)} who ${pick(situations, `situation-${base}`)}.`,
      hidden,
      voice: pick(voices, `voice-${base}`),
    };
  });
  return JSON.stringify({ personas });
};

const dialogueReply = (persona: string, success: boolean, key: string, revised: boolean): string => {
  const rounds = 1 + Math.floor(unit(`rounds-${key}`) * 3);
  const turns = [{ role: 'user', text: `Hi, I could use some help. ${persona.split('.')[0] ?? ''}.` }];
  for (let round = 0; round < rounds; round += 1) {
    turns.push({ role: 'agent', text: pick(['What matters most to you here?', 'Would you prefer something quick or something thorough?', 'Have you done anything like this before?'], `ask-${key}-${round}`) });
    turns.push({ role: 'user', text: pick(['Hmm, I am not sure, something easy I guess.', 'I like things that are hands-on.', 'I do not have much time, to be honest.'], `answer-${key}-${round}`) });
  }
  turns.push({ role: 'agent', text: `${revised ? 'Let me rephrase: ' : ''}Based on what you said, here is my suggestion.` });
  turns.push({ role: 'user', text: success ? 'That sounds great, thank you!' : 'Hmm, that is not really what I wanted. Never mind.' });
  return JSON.stringify({ turns });
};

const critiqueReply = (transcript: string, key: string, faults: ImaginationFaults): string => {
  const fails = !transcript.includes('Let me rephrase') && unit(`critique-${key}`) < faults.critiqueFailure;
  return JSON.stringify({
    checks: [1, 2, 3, 4, 5].map((criterion) => ({ criterion, pass: !(fails && criterion === 1), problem: fails && criterion === 1 ? 'The user states every preference in the first turn.' : '' })),
  });
};

/** The script for `startScriptedServer`: recognises each step by its system prompt. */
export const imaginationScript = (spec: TaskSpec, faults: ImaginationFaults = defaultFaults): Script => (body) => {
  const system = body.messages.find((message) => message.role === 'system')?.content ?? '';
  const prompt = body.messages.find((message) => message.role === 'user')?.content ?? '';
  const key = `${prompt}|${String(body.seed ?? '')}`;
  const reply = (text: string): ScriptedReply => ({ text, usage: { inputTokens: Math.ceil(prompt.length / 4), outputTokens: Math.ceil(text.length / 4) } });
  if (system.includes('invent realistic, varied people')) {
    const batch = Number(/batch (\d+)/.exec(prompt)?.[1] ?? 0);
    const count = Number(/Invent (\d+) different users/.exec(prompt)?.[1] ?? 5);
    return reply(personaReply(spec, batch, count, faults));
  }
  const persona = /^User: (.*)$/m.exec(prompt)?.[1] ?? 'Someone';
  const success = prompt.includes('Outcome: the agent succeeds') || prompt.includes("sentiment at the end is positive");
  if (system.includes('write realistic transcripts')) {
    // Keyed on the original prompt, which the repair re-ask repeats: a garbage slot stays garbage.
    if (unit(`garbage-${key}`) < faults.garbage) {
      return reply('Sure! Here is a lovely conversation between a user and an agent.');
    }
    return reply(dialogueReply(persona, success, key, false));
  }
  if (system.includes('review imagined conversation transcripts')) return reply(critiqueReply(prompt, key, faults));
  if (system.includes('revise transcripts')) return reply(dialogueReply(persona, success, key, true));
  return { status: 400, body: { error: { message: `the imagination script does not know this prompt: ${system.slice(0, 80)}`, type: 'invalid_request_error' } } };
};
