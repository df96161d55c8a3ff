/**
 * One imagined dialogue with an LLM: the imagination step writes it for a persona and a chosen
 * outcome, a structural check and the critique step review it, and revisions fix what the
 * critique found. A dialogue that still fails after the allowed revisions is dropped with the
 * reason, as is one whose replies cannot be used (their raw text kept for the record).
 */
import { LlmOutputError } from '../../llm/errors.ts';
import type { ZodType } from 'zod';
import type { LlmClient } from '../../llm/client.ts';
import type { TaskSpec } from '../../task/spec.ts';
import type { Turn } from '../../task/types.ts';
import { critiqueCriteria, critiquePrompt, critiqueSchema, dialoguePrompt, revisionPrompt, transcriptSchema } from './prompts.ts';
import type { ImaginedPersona, Message } from './prompts.ts';
import { critiqueJsonSchema, transcriptJsonSchema } from './task-schemas.ts';

export type StepRecord = { step: 'imagine' | 'critique' | 'revise'; cached: boolean; inputTokens: number; outputTokens: number; problems?: string[] };

export type DialogueOutcome =
  | { kept: true; turns: Turn[]; revisions: number; steps: StepRecord[]; drafts: Turn[][] }
  | { kept: false; reason: string; /** A short label to count drops by. */ kind: string; step: StepRecord['step']; raw?: string; steps: StepRecord[] };

export type DialogueStepOptions = {
  /** Critique → revise rounds before a failing dialogue is dropped. */
  maxRevisions: number;
  temperature: number;
  /** Distinguishes the samples of one persona (part of the request, hence of the cache key). */
  sample: number;
  /** Cancels the calls in flight; the dialogue then ends with LlmAbortedError, nothing recorded. */
  signal?: AbortSignal | undefined;
};

/** A problem found in a draft, with the short kind drops are counted by. */
type Problem = { text: string; kind: string };

/**
 * Merge consecutive turns of one speaker (models sometimes split a turn) and report what no
 * merge can fix. Returns the normalised turns and the problems, worded for the revision prompt.
 */
export const checkTranscript = (raw: readonly Turn[], maxTurns: number): { turns: Turn[]; problems: string[] } => {
  const { turns, problems } = checkStructure(raw, maxTurns);
  return { turns, problems: problems.map((problem) => problem.text) };
};

const checkStructure = (raw: readonly Turn[], maxTurns: number): { turns: Turn[]; problems: Problem[] } => {
  const turns: Turn[] = [];
  for (const turn of raw) {
    const text = turn.text.trim();
    if (text === '') continue;
    const last = turns.at(-1);
    if (last?.role === turn.role) last.text = `${last.text} ${text}`;
    else turns.push({ role: turn.role, text });
  }
  const agentTurns = turns.filter((turn) => turn.role === 'agent').length;
  const problems: Problem[] = [
    turns[0]?.role !== 'user' ? { text: 'The user must speak first.', kind: 'structure: agent spoke first' } : undefined,
    agentTurns === 0 ? { text: 'The agent never speaks.', kind: 'structure: agent never spoke' } : undefined,
    agentTurns > maxTurns ? { text: `The agent speaks ${agentTurns} times; at most ${maxTurns} turns are allowed.`, kind: 'structure: over the turn limit' } : undefined,
  ].filter((problem) => problem !== undefined);
  return { turns, problems };
};

const record = (step: StepRecord['step'], completion: { cached: boolean; usage: { inputTokens: number; outputTokens: number } }, problems?: string[]): StepRecord => ({
  step,
  cached: completion.cached,
  inputTokens: completion.usage.inputTokens,
  outputTokens: completion.usage.outputTokens,
  ...(problems === undefined ? {} : { problems }),
});

/**
 * A reply that cannot be used ends this dialogue, not the run. Anything else — a bad key, a server
 * still failing after every retry — stops the run: dropping dialogues would hide it, and a resumed
 * run loses nothing.
 */
const unusable = (error: unknown): error is LlmOutputError => error instanceof LlmOutputError;

export const imagineDialogueWithLlm = async (
  client: LlmClient,
  spec: TaskSpec,
  persona: ImaginedPersona,
  success: boolean,
  options: DialogueStepOptions,
): Promise<DialogueOutcome> => {
  const steps: StepRecord[] = [];
  const drafts: Turn[][] = [];
  const criteria = critiqueCriteria(spec, success);
  const schemas = { transcript: transcriptJsonSchema(spec), critique: critiqueJsonSchema(criteria.length) };
  const ask = async <T>(step: StepRecord['step'], messages: Message[], schema: ZodType<T>, jsonSchema: Record<string, unknown>) => {
    const completion = await client.complete({
      messages,
      schema: { name: step, schema, jsonSchema },
      temperature: options.temperature,
      seed: options.sample,
      purpose: step,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return { completion, value: completion.value as T };
  };
  const fail = (step: StepRecord['step'], error: unknown): DialogueOutcome => {
    if (!unusable(error)) throw error;
    const kind = error.truncated ? 'reply cut off at the token limit' : 'reply not usable';
    return { kept: false, reason: `${step}: ${error.message}`, kind, step, raw: error.rawText, steps };
  };

  let turns: Turn[];
  try {
    const { completion, value } = await ask('imagine', dialoguePrompt(spec, persona, success), transcriptSchema, schemas.transcript);
    steps.push(record('imagine', completion));
    turns = value.turns;
  } catch (error) {
    return fail('imagine', error);
  }
  for (let round = 0; ; round += 1) {
    const checked = checkStructure(turns, spec.maxTurns);
    turns = checked.turns;
    let problems = checked.problems;
    if (problems.length === 0) {
      try {
        const { completion, value } = await ask('critique', critiquePrompt(spec, persona, success, turns), critiqueSchema, schemas.critique);
        problems = value.checks
          .filter((check) => !check.pass)
          .map((check) => {
            const known = check.criterion >= 1 && check.criterion <= criteria.length;
            // Counted by the criterion's number: the model's own wording differs every time.
            return { text: `${criteria[check.criterion - 1] ?? `criterion ${check.criterion}`} — ${check.problem}`.trim(), kind: `failed review: criterion ${known ? check.criterion : 'out of range'}` };
          });
        steps.push(record('critique', completion, problems.map((problem) => problem.text)));
      } catch (error) {
        return fail('critique', error);
      }
    }
    if (problems.length === 0) return { kept: true, turns, revisions: round, steps, drafts };
    if (round >= options.maxRevisions) {
      const texts = problems.map((problem) => problem.text);
      return { kept: false, reason: `failed review after ${round} revision(s): ${texts.join('; ')}`, kind: problems[0]?.kind ?? 'failed review', step: 'critique', steps };
    }
    drafts.push(turns);
    try {
      const texts = problems.map((problem) => problem.text);
      const { completion, value } = await ask('revise', revisionPrompt(spec, persona, success, turns, texts), transcriptSchema, schemas.transcript);
      steps.push(record('revise', completion));
      turns = value.turns;
    } catch (error) {
      return fail('revise', error);
    }
  }
};
