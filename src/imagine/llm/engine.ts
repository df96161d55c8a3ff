/**
 * LLM imagination for any task spec: the reasoning step (personas), then for each dialogue slot
 * the imagination step, critique and revision. Slot i's persona and target outcome depend only
 * on (seed, i), and each slot ends as exactly one line, in dialogues.jsonl or dropped.jsonl,
 * written once it is final — so a run killed at any moment resumes with nothing lost or
 * repeated, and the replies it already paid for come from the cache.
 *
 * @example
 * const result = await imagineWithLlm(client, spec, { ...defaultLlmImagineOptions, count: 2000, dir: 'data' });
 */
import { join } from 'node:path';
import { z } from 'zod';
import { dialogueId, dialogueSchema } from '../../data/dialogue.ts';
import type { Dialogue } from '../../data/dialogue.ts';
import { appendJsonl, readJsonl, repairJsonl } from '../../data/jsonl.ts';
import { ReverieError } from '../../errors.ts';
import { LlmAbortedError } from '../../llm/errors.ts';
import { formatModelRef } from '../../llm/model-ref.ts';
import type { LlmClient, UsageTotals } from '../../llm/client.ts';
import type { TaskSpec } from '../../task/spec.ts';
import { createProgress } from '../../util/progress.ts';
import { createRng } from '../../util/rng.ts';
import { DatasetMismatchError } from '../offline.ts';
import { imagineDialogueWithLlm } from './dialogue-step.ts';
import type { StepRecord } from './dialogue-step.ts';
import { imaginePersonas } from './persona-step.ts';
import type { PersonaStepResult } from './persona-step.ts';

export type LlmImagineOptions = {
  count: number;
  seed: number;
  /** Folder for personas.jsonl, dialogues.jsonl and dropped.jsonl. */
  dir: string;
  /** Personas to imagine; each is used by several dialogues with different outcomes. */
  personas: number;
  personaBatch: number;
  duplicateThreshold: number;
  /** Share of dialogues imagined as successes. */
  successRatio: number;
  maxRevisions: number;
  temperature: number;
  /** Dialogues in flight at once; the client separately limits requests in flight. */
  parallel: number;
  /** Slots tried per requested dialogue before the run gives up (a model whose dialogues keep failing review). */
  maxSlotsPerDialogue: number;
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /**
   * Stops the run (SIGINT, SIGTERM): calls in flight are cancelled, no new slot starts, every
   * dialogue already written stays, and the run ends with LlmAbortedError; a rerun resumes.
   */
  signal?: AbortSignal | undefined;
};

export const defaultLlmImagineOptions: Omit<LlmImagineOptions, 'count' | 'dir' | 'personas'> = {
  seed: 1,
  personaBatch: 10,
  duplicateThreshold: 0.6,
  successRatio: 0.5,
  maxRevisions: 1,
  temperature: 1,
  parallel: 16,
  maxSlotsPerDialogue: 3,
};

export const droppedSchema = z.object({
  id: z.string(),
  index: z.number().int(),
  step: z.string(),
  reason: z.string(),
  kind: z.string().default('other'),
  raw: z.string().optional(),
  persona: z.string(),
  target: z.boolean(),
});
export type Dropped = z.infer<typeof droppedSchema>;

export type LlmImagineResult = {
  dialogues: Dialogue[];
  created: number;
  reused: number;
  dropped: Dropped[];
  personas: PersonaStepResult;
  /** Kept dialogues that needed at least one revision. */
  revised: number;
  usage: UsageTotals;
};

export class ImaginationStalledError extends ReverieError {
  override readonly name = 'ImaginationStalledError';
}

const readRows = async <T>(file: string, schema: z.ZodType<T>): Promise<T[]> => ((await repairJsonl(file)).kept === 0 ? [] : readJsonl(file, schema));

const tokensOf = (steps: readonly StepRecord[]) => ({
  input: steps.reduce((sum, step) => sum + step.inputTokens, 0),
  output: steps.reduce((sum, step) => sum + step.outputTokens, 0),
});

export const imagineWithLlm = async (client: LlmClient, spec: TaskSpec, options: LlmImagineOptions): Promise<LlmImagineResult> => {
  const files = { personas: join(options.dir, 'personas.jsonl'), dialogues: join(options.dir, 'dialogues.jsonl'), dropped: join(options.dir, 'dropped.jsonl') };
  const existing = await readRows(files.dialogues, dialogueSchema);
  const stranger = existing.find((dialogue) => dialogue.task !== spec.name || !dialogue.id.startsWith(`${spec.name}-${options.seed}-`));
  if (stranger !== undefined) {
    throw new DatasetMismatchError(`${files.dialogues} holds dialogue ${stranger.id}, which is not from task ${spec.name} with seed ${options.seed}`, {
      hint: 'Use another output folder, or the same --task and --seed as the run that wrote it.',
    });
  }
  const dropped = await readRows(files.dropped, droppedSchema);
  const personaStep = await imaginePersonas(client, spec, {
    target: options.personas,
    batchSize: options.personaBatch,
    threshold: options.duplicateThreshold,
    maxBatches: Math.ceil(options.personas / options.personaBatch) * 4,
    temperature: options.temperature,
    file: files.personas,
    signal: options.signal,
  });
  const personas = personaStep.personas;
  if (personas.length === 0) {
    throw new ImaginationStalledError(`the reasoning step produced no usable persona in ${personaStep.batches} batches (${JSON.stringify(personaStep.reasons)})`, {
      hint: `Look at ${files.personas} for what the model replied; a larger model usually follows the format.`,
    });
  }
  const done = new Set([...existing.map((dialogue) => dialogue.id), ...dropped.map((row) => row.id)]);
  const dialogues = [...existing];
  const model = formatModelRef(client.model);
  const maxSlots = options.count * options.maxSlotsPerDialogue;
  const progress = options.progress === undefined ? undefined : createProgress({ label: 'imagine', total: Math.max(0, options.count - dialogues.length), stream: options.progress });
  const extras = () => {
    const usage = client.usage();
    return { dropped: dropped.length, 'tokens in': usage.inputTokens, 'tokens out': usage.outputTokens, ...(usage.costUsd === undefined ? {} : { cost: `$${usage.costUsd.toFixed(2)}` }) };
  };
  let next = 0;
  let inFlight = 0;
  const runSlot = async (index: number): Promise<void> => {
    const id = dialogueId(spec.name, options.seed, index);
    const rng = createRng(options.seed).fork(`llm-dialogue-${index}`);
    const persona = personas[index % personas.length] as (typeof personas)[number];
    const target = rng.chance(options.successRatio);
    const outcome = await imagineDialogueWithLlm(client, spec, persona, target, {
      maxRevisions: options.maxRevisions,
      temperature: options.temperature,
      sample: options.seed * 1_000_003 + index,
      signal: options.signal,
    });
    if (!outcome.kept) {
      const row: Dropped = { id, index, step: outcome.step, reason: outcome.reason, kind: outcome.kind, ...(outcome.raw === undefined ? {} : { raw: outcome.raw }), persona: persona.id, target };
      await appendJsonl(files.dropped, [row]);
      dropped.push(row);
      return;
    }
    const dialogue: Dialogue = {
      id,
      task: spec.name,
      persona,
      turns: outcome.turns,
      reward: target ? 1 : 0,
      success: target,
      meta: {
        engine: 'llm',
        behaviour: target ? 'imagined success' : 'imagined failure',
        model,
        seed: options.seed,
        index,
        taskVersion: spec.version,
        revisions: outcome.revisions,
        steps: outcome.steps,
        ...(outcome.drafts.length > 0 ? { drafts: outcome.drafts } : {}),
        tokens: tokensOf(outcome.steps),
      },
    };
    await appendJsonl(files.dialogues, [dialogue]);
    dialogues.push(dialogue);
    progress?.tick(1, extras());
  };
  // Each worker claims the next unfinished slot while kept + in-flight dialogues fall short of the
  // count, so the run never makes more than asked; a dropped slot sends its worker round again.
  // A failure that is not a bad reply (HTTP error, bad key, cancellation) stops new slots; the
  // others finish or are cancelled, then the run fails with it.
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && options.signal?.aborted !== true && dialogues.length + inFlight < options.count) {
      while (next < maxSlots && done.has(dialogueId(spec.name, options.seed, next))) next += 1;
      if (next >= maxSlots) return;
      const index = next;
      next += 1;
      inFlight += 1;
      try {
        await runSlot(index);
      } catch (error) {
        failure ??= { error };
      } finally {
        inFlight -= 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, worker));
  progress?.done(extras());
  if (failure !== undefined) throw failure.error;
  if (options.signal?.aborted === true) {
    throw new LlmAbortedError(`imagination was cancelled with ${dialogues.length} of ${options.count} dialogues written`, { hint: 'Run the same command again to resume.' });
  }
  if (dialogues.length < options.count) {
    throw new ImaginationStalledError(`only ${dialogues.length} of ${options.count} dialogues passed review after ${maxSlots} attempts; ${dropped.length} were dropped (see ${files.dropped})`, {
      hint: 'Read the reasons in dropped.jsonl; raise --max-revisions, or use a stronger model.',
    });
  }
  // A folder from an earlier, larger run may hold more than asked for: the first `count` by id.
  dialogues.sort((a, b) => a.id.localeCompare(b.id));
  return {
    dialogues: dialogues.slice(0, options.count),
    created: dialogues.length - existing.length,
    reused: existing.length,
    dropped,
    personas: personaStep,
    revised: dialogues.filter((dialogue) => Number(dialogue.meta.revisions ?? 0) > 0).length,
    usage: client.usage(),
  };
};
