/**
 * The reasoning step: personas asked for in batches, each checked against the task's hidden
 * parameters and dropped when it nearly repeats one already kept. Every batch's outcome is
 * appended to a JSONL log, so an interrupted run resumes at the next batch with the same counts.
 */
import { z } from 'zod';
import { appendJsonl, readJsonl, repairJsonl } from '../../data/jsonl.ts';
import { LlmOutputError } from '../../llm/errors.ts';
import type { LlmClient } from '../../llm/client.ts';
import type { TaskSpec } from '../../task/spec.ts';
import { createNearDuplicateFilter, diversityReport } from './diversity.ts';
import type { DiversityReport } from './diversity.ts';
import { imaginedPersonaSchema, personaBatchSchema, personaPrompt } from './prompts.ts';
import { personaBatchJsonSchema } from './task-schemas.ts';
import type { ImaginedPersona } from './prompts.ts';

export const storedPersonaSchema = imaginedPersonaSchema.extend({ id: z.string().min(1) });
export type StoredPersona = z.infer<typeof storedPersonaSchema>;

const batchLogSchema = z.object({
  batch: z.number().int().min(0),
  kept: z.array(storedPersonaSchema),
  rejected: z.array(z.object({ summary: z.string(), reason: z.string() })),
  /** Set when the batch's reply could not be used at all. */
  error: z.object({ message: z.string(), raw: z.string() }).optional(),
  tokens: z.object({ input: z.number(), output: z.number() }),
});
type BatchLog = z.infer<typeof batchLogSchema>;

export type PersonaStepOptions = {
  target: number;
  batchSize: number;
  /** Word-overlap similarity at or above which a persona counts as a near-duplicate. */
  threshold: number;
  /** Batches tried before giving up on reaching `target` (an LLM that keeps repeating itself). */
  maxBatches: number;
  temperature: number;
  file: string;
  onBatch?: (log: BatchLog) => void;
  /** Added to each batch's seed, so a second persona set (evaluation) is not the cached first one. */
  seedBase?: number;
  /** Texts (see personaText) of personas the set must stay away from, e.g. those used in training. */
  exclude?: readonly string[];
  /** Cancels the batch in flight (LlmAbortedError); batches already logged are kept. */
  signal?: AbortSignal | undefined;
};

export type PersonaStepResult = {
  personas: StoredPersona[];
  batches: number;
  generated: number;
  nearDuplicates: number;
  invalid: number;
  unusableBatches: number;
  /** Reasons personas were rejected, with counts. */
  reasons: Record<string, number>;
  diversity: DiversityReport;
};

/** The text near-duplicates are measured on: summary, voice and hidden values. */
export const personaText = (persona: ImaginedPersona): string => [persona.summary, persona.voice, ...Object.values(persona.hidden)].join(' ');

/** Why a persona cannot be used for this task, or undefined; normalises hidden-parameter names and listed values. */
export const validatePersona = (spec: TaskSpec, persona: ImaginedPersona): { persona: ImaginedPersona; problem?: string } => {
  const byKey = new Map(Object.entries(persona.hidden).map(([key, value]) => [key.trim().toLowerCase(), value.trim()]));
  const hidden: Record<string, string> = {};
  for (const parameter of spec.user.hiddenParameters) {
    const value = byKey.get(parameter.name.toLowerCase());
    if (value === undefined || value === '') return { persona, problem: `missing hidden parameter "${parameter.name}"` };
    const listed = parameter.values?.find((option) => option.toLowerCase() === value.toLowerCase());
    if (parameter.values !== undefined && listed === undefined) return { persona, problem: `"${parameter.name}" is not one of the listed values` };
    hidden[parameter.name] = listed ?? value;
  }
  // Tasks without declared parameters keep whatever traits the model chose.
  return { persona: { ...persona, hidden: spec.user.hiddenParameters.length === 0 ? persona.hidden : hidden } };
};

const readLog = async (file: string): Promise<BatchLog[]> => {
  const { kept } = await repairJsonl(file);
  return kept === 0 ? [] : readJsonl(file, batchLogSchema);
};

export const EXCLUDED_REASON = 'near-duplicate of an excluded persona';

export const imaginePersonas = async (client: LlmClient, spec: TaskSpec, options: PersonaStepOptions): Promise<PersonaStepResult> => {
  const logs = await readLog(options.file);
  const seen = createNearDuplicateFilter(options.threshold);
  // An infinite threshold admits every excluded text, even ones close to each other.
  const excluded = createNearDuplicateFilter(Number.POSITIVE_INFINITY);
  for (const text of options.exclude ?? []) excluded.admit(text);
  for (const persona of logs.flatMap((log) => log.kept)) seen.admit(personaText(persona));
  const personas = () => logs.flatMap((log) => log.kept);
  for (let batch = logs.length; personas().length < options.target && batch < options.maxBatches; batch += 1) {
    const avoid = personas().slice(-8).map((persona) => persona.summary);
    const log: BatchLog = { batch, kept: [], rejected: [], tokens: { input: 0, output: 0 } };
    try {
      const completion = await client.complete({
        messages: personaPrompt(spec, { count: options.batchSize, batch, avoid }),
        schema: { name: 'personas', schema: personaBatchSchema, jsonSchema: personaBatchJsonSchema(spec, options.batchSize) },
        temperature: options.temperature,
        seed: (options.seedBase ?? 0) + batch,
        purpose: 'persona',
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      log.tokens = { input: completion.usage.inputTokens, output: completion.usage.outputTokens };
      for (const [index, candidate] of (completion.value?.personas ?? []).entries()) {
        const { persona, problem } = validatePersona(spec, candidate);
        if (problem !== undefined) log.rejected.push({ summary: persona.summary, reason: problem });
        else if (personas().length + log.kept.length >= options.target) log.rejected.push({ summary: persona.summary, reason: 'beyond the target count' });
        else if (excluded.size > 0 && excluded.closest(personaText(persona)) >= options.threshold) log.rejected.push({ summary: persona.summary, reason: EXCLUDED_REASON });
        else if (!seen.admit(personaText(persona))) log.rejected.push({ summary: persona.summary, reason: 'near-duplicate' });
        else log.kept.push({ id: `p${batch}-${index}`, ...persona });
      }
    } catch (error) {
      if (!(error instanceof LlmOutputError)) throw error;
      log.error = { message: error.message, raw: error.rawText };
    }
    await appendJsonl(options.file, [log]);
    logs.push(log);
    options.onBatch?.(log);
  }
  const reasons: Record<string, number> = {};
  for (const { reason } of logs.flatMap((log) => log.rejected)) reasons[reason] = (reasons[reason] ?? 0) + 1;
  const rejected = logs.flatMap((log) => log.rejected);
  const kept = personas();
  return {
    personas: kept,
    batches: logs.length,
    generated: kept.length + rejected.length,
    nearDuplicates: reasons['near-duplicate'] ?? 0,
    invalid: rejected.filter((item) => item.reason !== 'near-duplicate' && item.reason !== 'beyond the target count' && item.reason !== EXCLUDED_REASON).length,
    unusableBatches: logs.filter((log) => log.error !== undefined).length,
    reasons,
    diversity: diversityReport(kept.map((persona) => ({ text: personaText(persona), hidden: persona.hidden }))),
  };
};
