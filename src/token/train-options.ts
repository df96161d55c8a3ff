/**
 * Options of token-level training (ILQL or BC on a causal LM), as one zod schema: the same
 * object is passed in, written to a checkpoint's reverie.json, and read back on resume, where a
 * run is only continued under the options it started with.
 *
 * @example
 * const options = tokenTrainOptions({ algorithm: 'token-ilql', steps: 2000 });
 * options.model.embd; // 64
 */
import { z } from 'zod';
import { ReverieError } from '../errors.ts';
import { ilqlDefaults } from './losses.ts';

export const tokenAlgorithms = ['token-ilql', 'token-bc'] as const;
export type TokenAlgorithm = (typeof tokenAlgorithms)[number];

const positiveInt = z.number().int().positive();
const unit = z.number().min(0).max(1);

export const tokenTrainOptionsSchema = z
  .object({
    algorithm: z.enum(tokenAlgorithms),
    steps: positiveInt,
    /** Dialogues per step, each one row of the batch. */
    batchSize: positiveInt,
    learningRate: z.number().positive(),
    /** Gradients are scaled down to this global L2 norm when above it; 0 turns clipping off. */
    clipNorm: z.number().nonnegative(),
    seed: z.number().int(),
    /** Save a resumable state every this many steps (0: only at the end). */
    saveEvery: z.number().int().nonnegative(),
    /** A pretrained GPT-2 folder to start from; a fresh model with a BPE trained on the data when absent. */
    init: z.string().optional(),
    model: z
      .object({
        layers: positiveInt,
        embd: positiveInt,
        heads: positiveInt,
        /** Vocabulary of the BPE trained on the dialogues (ignored with `init`). */
        vocabSize: positiveInt,
        /** Longest token window: the model's n_positions; longer dialogues keep their end. */
        maxLength: z.number().int().min(16),
        /** Hidden width of the Q and V heads; the model's embd when absent (the reference's 2·embd costs twice as much). */
        headWidth: positiveInt.optional(),
      })
      .strict()
      .refine((model) => model.embd % model.heads === 0, { message: 'embd must be a multiple of heads', path: ['heads'] }),
    ilql: z
      .object({
        gamma: unit,
        tau: z.number().gt(0).lt(1),
        cqlWeight: z.number().nonnegative(),
        valueWeight: z.number().nonnegative(),
        qWeight: z.number().nonnegative(),
        lmWeight: z.number().nonnegative(),
        polyakRate: z.number().gt(0).max(1),
        /**
         * The Q and V heads read the transformer's hidden states under a stop-gradient, so only
         * the LM loss shapes the transformer and the policy ILQL perturbs is the BC policy.
         */
        detachHeads: z.boolean(),
      })
      .strict(),
  })
  .strict();

export type TokenTrainOptions = z.output<typeof tokenTrainOptionsSchema>;

/**
 * Sized on travel for about ten minutes of training on two cores (bench/token-quality.ts):
 * 2,000 steps of 16 dialogues (5,000 imagined dialogues, median 88 tokens with a 1,024-token
 * BPE). Width 64: a step takes half the time it takes at 128, and at equal time the 64-wide model
 * had learned more of what the recommendations depend on (the LM's loss on a recommended
 * activity's first token: 3.1 nats after 1,200 steps at width 64, 3.6 after 600 at width 128,
 * against 3.5 for the names' marginal frequencies). Learning rate 3e-3: at step 300 the LM loss
 * was 0.35 nats against 0.47 with 1e-3.
 *
 * ILQL's weights are the reference's (ilqlDefaults) except γ: 0.9997 per token is about 0.99 per
 * 30-token utterance, the utterance level's discount; the reference's 0.99 per token would
 * discount each extra question by about a quarter, and asking before recommending is what the
 * task rewards. Why the heads are detached: trainer.ts.
 */
export const defaultTokenTrainOptions: TokenTrainOptions = {
  algorithm: 'token-ilql',
  steps: 2000,
  batchSize: 16,
  learningRate: 3e-3,
  clipNorm: 1,
  seed: 0,
  saveEvery: 200,
  model: { layers: 2, embd: 64, heads: 4, vocabSize: 1024, maxLength: 256 },
  ilql: {
    gamma: 0.9997,
    tau: ilqlDefaults.tau,
    cqlWeight: ilqlDefaults.cqlWeight,
    valueWeight: ilqlDefaults.valueWeight,
    qWeight: ilqlDefaults.qWeight,
    lmWeight: ilqlDefaults.lmWeight,
    polyakRate: ilqlDefaults.polyakRate,
    detachHeads: true,
  },
};

export class TokenTrainOptionsError extends ReverieError {
  override readonly name = 'TokenTrainOptionsError';
}

export type TokenTrainOptionsInput = Partial<Omit<TokenTrainOptions, 'model' | 'ilql'>> & {
  model?: Partial<TokenTrainOptions['model']>;
  ilql?: Partial<TokenTrainOptions['ilql']>;
};

/** The defaults overridden by `given`, checked; a TokenTrainOptionsError names every bad field. */
export function tokenTrainOptions(given: TokenTrainOptionsInput = {}, source = 'token training options'): TokenTrainOptions {
  const d = defaultTokenTrainOptions;
  return parseTokenTrainOptions({ ...d, ...given, model: { ...d.model, ...given.model }, ilql: { ...d.ilql, ...given.ilql } }, source);
}

export function parseTokenTrainOptions(raw: unknown, source: string): TokenTrainOptions {
  const parsed = tokenTrainOptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new TokenTrainOptionsError(`${source}: ${problems}`, { hint: 'Fix the flags named above (see reverie train --help).' });
}
