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
};

/**
 * Merge consecutive turns of one speaker (models sometimes split a turn) and report what no
 * merge can fix. Returns the normalised turns and the problems, worded for the revision prompt.
 */
export const checkTranscript = (raw: readonly Turn[], maxTurns: number): { turns: Turn[]; problems: string[] } => {
  const turns: Turn[] = [];
  for (const turn of raw) {
    const text = turn.text.trim();
    if (text === '') continue;
    const last = turns.at(-1);
    if (last?.role === turn.role) last.text = `${last.text} ${text}`;
    else turns.push({ role: turn.role, text });
  }
  const agentTurns = turns.filter((turn) => turn.role === 'agent').length;
  const problems = [
    turns[0]?.role !== 'user' ? 'The user must speak first.' : '',
    agentTurns === 0 ? 'The agent never speaks.' : '',
    agentTurns > maxTurns ? `The agent speaks ${agentTurns} times; at most ${maxTurns} turns are allowed.` : '',
  ].filter((problem) => problem !== '');
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
  const ask = async <T>(step: StepRecord['step'], messages: Message[], schema: ZodType<T>) => {
    const completion = await client.complete({ messages, schema: { name: step, schema }, temperature: options.temperature, seed: options.sample, purpose: step });
    return { completion, value: completion.value as T };
  };
  const fail = (step: StepRecord['step'], error: unknown): DialogueOutcome => {
    if (!unusable(error)) throw error;
    const kind = error.truncated ? 'reply cut off at the token limit' : 'reply not usable (no valid JSON after a repair request)';
    return { kept: false, reason: `${step}: ${error.message}`, kind, step, raw: error.rawText, steps };
  };

  let turns: Turn[];
  try {
    const { completion, value } = await ask('imagine', dialoguePrompt(spec, persona, success), transcriptSchema);
    steps.push(record('imagine', completion));
    turns = value.turns;
  } catch (error) {
    return fail('imagine', error);
  }
  const criteria = critiqueCriteria(spec, success);
  for (let round = 0; ; round += 1) {
    const checked = checkTranscript(turns, spec.maxTurns);
    turns = checked.turns;
    let problems = checked.problems;
    if (problems.length === 0) {
      try {
        const { completion, value } = await ask('critique', critiquePrompt(spec, persona, success, turns), critiqueSchema);
        problems = value.checks.filter((check) => !check.pass).map((check) => `${criteria[check.criterion - 1] ?? `criterion ${check.criterion}`} — ${check.problem}`.trim());
        steps.push(record('critique', completion, problems));
      } catch (error) {
        return fail('critique', error);
      }
    }
    if (problems.length === 0) return { kept: true, turns, revisions: round, steps, drafts };
    if (round >= options.maxRevisions) {
      const first = problems[0] ?? '';
      const kind = `failed review: ${first.length > 70 ? `${first.slice(0, 70)}…` : first}`;
      return { kept: false, reason: `failed review after ${round} revision(s): ${problems.join('; ')}`, kind, step: 'critique', steps };
    }
    drafts.push(turns);
    try {
      const { completion, value } = await ask('revise', revisionPrompt(spec, persona, success, turns, problems), transcriptSchema);
      steps.push(record('revise', completion));
      turns = value.turns;
    } catch (error) {
      return fail('revise', error);
    }
  }
};
