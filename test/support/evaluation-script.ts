/**
 * A scripted LLM that plays every part of LLM evaluation — the persona step (borrowed from the
 * imagination script, which also answers every other imagination prompt), the simulated user, the prompted / naive / oracle agents, the judge and
 * the persona-consistency check — with deterministic replies, and on chosen requests with the
 * faults real models make: a judge score out of range (7), fixed by the repair re-ask or not; a
 * user who never says done; user replies that are not JSON. Each reply depends only on the
 * request, so a resumed run sees exactly the answers an uninterrupted one would.
 *
 * The agents it plays differ the way the paper's do: the prompted agent asks up to two
 * questions before answering, the naive one answers at once; the judge rewards asking.
 *
 * @example
 * const server = await startScriptedServer(evaluationScript(spec, { judgeOutOfRange: 0.2 }));
 */
import { createHash } from 'node:crypto';
import type { TaskSpec } from '../../src/task/spec.ts';
import { imaginationScript } from './imagination-script.ts';
import type { Script, ScriptedReply, ScriptedRequestBody } from './scripted-llm-server.ts';

export type EvaluationFaults = {
  /** Share of judge requests whose first reply rates "overall" 7. */
  judgeOutOfRange: number;
  /** When true the repair re-ask is answered with 7 again, so the episode is a judge failure. */
  judgeStubborn: boolean;
  /** The simulated user never sets done: every episode must stop at the task's maxTurns. */
  userNeverDone: boolean;
  /** Share of simulated-user requests answered with prose instead of JSON (repair included). */
  userGarbage: number;
  /** Share of persona checks that find the user left their persona. */
  leftPersona: number;
};

export const noFaults: EvaluationFaults = { judgeOutOfRange: 0, judgeStubborn: false, userNeverDone: false, userGarbage: 0, leftPersona: 0 };

const unit = (text: string): number => createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;

const REPAIR = 'That reply cannot be used';

const reply = (text: string, body: ScriptedRequestBody): ScriptedReply => {
  const input = body.messages.map((message) => message.content).join('\n').length;
  return { text, usage: { inputTokens: Math.ceil(input / 4), outputTokens: Math.ceil(text.length / 4) } };
};

type Message = ScriptedRequestBody['messages'][number];

/** The model's side of the conversation (the simulated user's or the agent's turns). */
const own = (messages: readonly Message[]) => messages.filter((message) => message.role === 'assistant');
const lastOther = (messages: readonly Message[]) => messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';

const ANSWER = 'Here is my answer';

const userTurn = (messages: readonly Message[], system: string, key: string, faults: EvaluationFaults): string => {
  const spoken = own(messages).length;
  const who = /^Who you are: (.*)$/m.exec(system)?.[1] ?? 'someone';
  const facts = [...system.matchAll(/^- ([\w-]+): ([^(\n]+)/gm)].map((match) => `${match[1]} is ${(match[2] ?? '').trim()}`);
  if (spoken === 0) return JSON.stringify({ reply: `Hi! ${who.split('.')[0] ?? ''}. Can you help me with this?`, done: false });
  const agent = lastOther(messages);
  if (agent.includes(ANSWER)) {
    const pleased = agent.includes('tailored') || unit(`pleased-${key}`) < 0.3;
    return JSON.stringify({ reply: pleased ? 'That makes sense to me, thank you!' : 'Hmm, that went over my head. Never mind.', done: !faults.userNeverDone });
  }
  if (agent.includes('?')) return JSON.stringify({ reply: `Well, ${facts[spoken % Math.max(1, facts.length)] ?? 'I am not sure'}, I suppose.`, done: false });
  return JSON.stringify({ reply: 'Okay. Go on?', done: false });
};

const agentTurn = (messages: readonly Message[], system: string): string => {
  const asked = own(messages).length;
  if (system.includes('do not ask the user any questions')) return `${ANSWER}: behaviour cloning copies an expert's actions with supervised learning.`;
  if (system.includes('What you know about this user')) return `${ANSWER}, tailored to you: behaviour cloning learns from demonstrations.`;
  if (asked === 0) return 'Agent: Before I explain, what do you already know about supervised learning?';
  if (asked === 1) return 'Thanks. And have you come across reinforcement learning or policies?';
  return `${ANSWER}, tailored to what you told me: behaviour cloning trains a policy on expert examples.`;
};

const verdict = (transcript: string, key: string, overall?: number): string => {
  const questions = (transcript.match(/^\d+\. Agent: [^\n]*\?/gm) ?? []).length;
  const answered = transcript.includes(ANSWER);
  const success = answered && transcript.includes('thank you');
  const score = 2 + Math.min(questions, 2) + (success ? 1 : 0);
  const natural = 3 + Math.floor(unit(`natural-${key}`) * 3);
  return JSON.stringify({
    reasoning: `The agent asked ${questions} question(s) and ${answered ? 'gave an answer' : 'never answered'}.`,
    ratings: { taskSuccess: score, naturalness: natural, helpfulness: Math.max(1, score - 1), overall: overall ?? score },
    success,
    failureCause: success ? 'none' : answered ? 'agent' : 'task',
  });
};

/** The script for `startScriptedServer`: recognises each part by its system prompt. */
export const evaluationScript = (spec: TaskSpec, faults: Partial<EvaluationFaults> = {}): Script => {
  const settings = { ...noFaults, ...faults };
  const imagination = imaginationScript(spec);
  return (body, index, request) => {
    const system = body.messages.find((message) => message.role === 'system')?.content ?? '';
    const conversation = body.messages.filter((message) => !message.content.startsWith(REPAIR) && message.role !== 'system');
    const repairing = body.messages.some((message) => message.role === 'user' && message.content.startsWith(REPAIR));
    // Keyed on the request minus any repair turns, so the repair re-ask shares the original's fate.
    const original = repairing ? conversation.slice(0, -1) : conversation;
    const key = `${JSON.stringify(original)}|${String(body.seed ?? '')}`;
    if (system.includes('invent realistic, varied people')) return imagination(body, index, request);
    if (system.includes('You play the user')) {
      if (unit(`garbage-${key}`) < settings.userGarbage) return reply('Sure! I am happy to play this user.', body);
      return reply(userTurn(original, system, key, settings), body);
    }
    if (system.includes('You are talking with one user')) return reply(agentTurn(original, system), body);
    if (system.includes('You rate conversations')) {
      const transcript = original.at(-1)?.content ?? '';
      const broken = unit(`range-${key}`) < settings.judgeOutOfRange;
      return reply(verdict(transcript, key, broken && (!repairing || settings.judgeStubborn) ? 7 : undefined), body);
    }
    if (system.includes('You check whether a simulated user stayed in character')) {
      const left = unit(`left-${key}`) < settings.leftPersona;
      return reply(JSON.stringify({ leftPersona: left, problem: left ? 'The user claimed a job the persona does not have.' : '' }), body);
    }
    // Imagination's own steps too, so one server can play a whole imagine → train → eval run.
    return imagination(body, index, request);
  };
};
