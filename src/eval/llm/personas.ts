/**
 * Held-out personas for LLM evaluation. Either read from a file (`--personas`: a personas.jsonl
 * written by `reverie imagine --model` or by an earlier evaluation, a dialogues.jsonl, or one
 * persona {id?, summary, hidden, voice} a line), or sampled by the imagination's persona step
 * into `<out>/personas.jsonl`, a file of their own, with batch seeds no imagination run uses —
 * so the response cache cannot hand back the training personas. Held out means: no evaluation
 * persona is a near-duplicate (word-overlap similarity ≥ 0.6, the imagination's own test) of a
 * persona in the files given with `--exclude-personas` (the training run's personas.jsonl or
 * dialogues.jsonl); sampling rejects such personas and asks for more.
 *
 * @example
 * const { personas, excluded } = await evaluationPersonas(client, spec, { count: 50, seed: 1000, dir: 'runs/eval', exclude: ['data/personas.jsonl'], temperature: 1 });
 */
import { basename, join } from 'node:path';
import { z } from 'zod';
import { readJsonl } from '../../data/jsonl.ts';
import { ReverieError } from '../../errors.ts';
import { createNearDuplicateFilter } from '../../imagine/llm/diversity.ts';
import { imaginePersonas, personaText, storedPersonaSchema, validatePersona } from '../../imagine/llm/persona-step.ts';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import { imaginedPersonaSchema } from '../../imagine/llm/prompts.ts';
import type { ImaginedPersona } from '../../imagine/llm/prompts.ts';
import type { LlmClient } from '../../llm/client.ts';
import type { TaskSpec } from '../../task/spec.ts';
import { hashString } from '../../util/rng.ts';

export class PersonaSourceError extends ReverieError {
  override readonly name = 'PersonaSourceError';
}

type FilePersona = ImaginedPersona & { id?: string | undefined };

const personaWithId = imaginedPersonaSchema.extend({ id: z.string().min(1).optional() });

// One line is a persona-step batch log, a dialogue, or a single persona.
const personaRowSchema = z.union([
  z.looseObject({ kept: z.array(storedPersonaSchema) }).transform((row): FilePersona[] => row.kept),
  z.looseObject({ persona: personaWithId, turns: z.array(z.unknown()) }).transform((row): FilePersona[] => [row.persona]),
  personaWithId.transform((persona): FilePersona[] => [persona]),
]);

export const readPersonaFile = async (file: string): Promise<FilePersona[]> => (await readJsonl(file, personaRowSchema)).flat();

export const NEAR_DUPLICATE_THRESHOLD = 0.6;

export type EvaluationPersonasOptions = {
  count: number;
  seed: number;
  /** The evaluation's folder; sampled personas go to personas.jsonl in it. */
  dir: string;
  /** Read personas from this file instead of sampling them. */
  file?: string | undefined;
  /** Files of personas used in training, which evaluation personas must not nearly repeat. */
  exclude?: readonly string[];
  temperature: number;
};

export type EvaluationPersonas = {
  personas: StoredPersona[];
  /** Where they came from: the file given, or the sampled personas.jsonl. */
  source: string;
  /** Personas passed over for nearly repeating an excluded (training) persona. */
  excluded: number;
  /** How many training personas they were kept apart from. */
  excludedAgainst: number;
};

/** Seeds far from the small batch numbers imagination uses (0, 1, 2, …), different per evaluation seed. */
export const evaluationPersonaSeedBase = (seed: number): number => 1_000_000_000 + (hashString(`evaluation-personas-${seed}`) % 100_000_000);

const fromFile = (spec: TaskSpec, file: string, rows: FilePersona[]): StoredPersona[] => {
  const seen = new Set<string>();
  return rows.map((row, at) => {
    const id = row.id ?? `${basename(file)}-${at + 1}`;
    if (seen.has(id)) throw new PersonaSourceError(`${file}: persona id "${id}" appears twice`, { hint: 'Give every persona its own id.' });
    seen.add(id);
    const { persona, problem } = validatePersona(spec, row);
    if (problem !== undefined) {
      throw new PersonaSourceError(`${file}: persona "${id}" does not fit task ${spec.name}: ${problem}`, { hint: 'Every persona needs a value for each hidden parameter of the task spec, one of the listed values where there is a list.' });
    }
    return { id, summary: persona.summary, hidden: persona.hidden, voice: persona.voice };
  });
};

export const evaluationPersonas = async (client: LlmClient, spec: TaskSpec, options: EvaluationPersonasOptions): Promise<EvaluationPersonas> => {
  const training = (await Promise.all((options.exclude ?? []).map(readPersonaFile))).flat().map(personaText);
  const against = createNearDuplicateFilter(Number.POSITIVE_INFINITY);
  for (const text of training) against.admit(text);
  const heldOut = (persona: StoredPersona) => against.size === 0 || against.closest(personaText(persona)) < NEAR_DUPLICATE_THRESHOLD;
  let source: string;
  let candidates: StoredPersona[];
  if (options.file !== undefined) {
    source = options.file;
    candidates = fromFile(spec, options.file, await readPersonaFile(options.file));
  } else {
    source = join(options.dir, 'personas.jsonl');
    const step = await imaginePersonas(client, spec, {
      target: options.count,
      batchSize: 10,
      threshold: NEAR_DUPLICATE_THRESHOLD,
      maxBatches: Math.ceil(options.count / 10) * 4,
      temperature: options.temperature,
      file: source,
      seedBase: evaluationPersonaSeedBase(options.seed),
      exclude: training,
    });
    candidates = step.personas;
  }
  const kept = candidates.filter(heldOut);
  if (kept.length < options.count) {
    const passedOver = candidates.length - kept.length;
    throw new PersonaSourceError(
      `${source} gives ${kept.length} usable held-out personas${passedOver > 0 ? ` (${passedOver} nearly repeat a training persona)` : ''}, fewer than the ${options.count} episodes asked for`,
      {
        hint: options.file !== undefined
          ? 'Lower --episodes, or give a file with more personas.'
          : `Lower --episodes, or look at ${source} for why personas were rejected (a larger model usually follows the format); delete it to sample afresh.`,
      },
    );
  }
  return { personas: kept.slice(0, options.count), source, excluded: candidates.length - kept.length, excludedAgainst: training.length };
};
