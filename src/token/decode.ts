/**
 * The ILQL decoding rule for one agent utterance. At each step the LM's logits are divided by
 * the temperature and cut to their top k (−∞ elsewhere), then shifted by β·(Q(s, ·) − V(s)),
 * with Q the min of the two target Q heads; the next token is sampled from the softmax of the
 * result (or its argmax when greedy), until the end-of-turn token or `maxTokens`.
 *
 * The order follows Snell et al.'s reference sampler: temperature and top-k act on the LM alone,
 * so the top-k set is the behaviour model's support and the advantage can only re-rank tokens
 * the LM finds plausible, never promote a token the LM rules out (which is where Q, trained
 * only on data tokens, is least trustworthy). V(s) is the same for every token of a step, so it
 * does not change the choice; it is kept so each step reports its advantage Q − V.
 *
 * The model is a callback from the prefix to the step's numbers, so this file needs no model.
 *
 * @example
 * const step = (prefix) => ({ logits: lm(prefix), q: targetQMin(prefix), v: value(prefix) });
 * const { tokens, stop } = await decodeUtterance(prompt, step, { beta: 8, endOfTurn: 50256, maxTokens: 64, topK: 20, rng });
 */
import { ReverieError } from '../errors.ts';
import type { Rng } from '../util/rng.ts';

export class DecodeError extends ReverieError {
  override readonly name = 'DecodeError';
}

export type StepOutput = {
  /** The behaviour LM's logits over the vocabulary at the last position of the prefix. */
  logits: ArrayLike<number>;
  /** min(target Q1, target Q2)(s, ·) over the vocabulary. */
  q: ArrayLike<number>;
  /** V(s). */
  v: number;
};

export type DecodeStep = (prefix: readonly number[]) => StepOutput | Promise<StepOutput>;

export type ScoreOptions = {
  /** Weight of the advantage; 0 reproduces the LM. The reference samples with 8 to 16. */
  beta: number;
  /** Keep only the k tokens the LM scores highest (ties at the k-th score are kept too). */
  topK?: number;
  /** Divides the LM logits; 1 by default. */
  temperature?: number;
};

export type DecodeOptions = ScoreOptions & {
  endOfTurn: number;
  maxTokens: number;
  /** Take the highest score instead of sampling. */
  greedy?: boolean;
  /** Required unless greedy. */
  rng?: Rng;
};

export type Decoded = {
  /** The utterance's tokens, without the end-of-turn token. */
  tokens: number[];
  stop: 'end-of-turn' | 'max-tokens';
  /** Q(s, a) − V(s) of each chosen token, the end-of-turn token included when it was chosen. */
  advantages: number[];
};

/** logits/temperature, top-k, + β·(q − v): the scores whose softmax is the ILQL policy. */
export function perturbedLogits(logits: ArrayLike<number>, q: ArrayLike<number>, v: number, options: ScoreOptions): Float64Array {
  const { beta, topK, temperature = 1 } = options;
  if (logits.length !== q.length || logits.length === 0) {
    throw new DecodeError(`decode: ${logits.length} logits but ${q.length} Q values`, {
      hint: 'The LM head and the Q heads must cover the same vocabulary.',
    });
  }
  if (!(temperature > 0) || !Number.isFinite(beta) || (topK !== undefined && !(Number.isInteger(topK) && topK >= 1))) {
    throw new DecodeError(`decode: temperature ${temperature}, β ${beta} and top-k ${topK} are not all valid`, {
      hint: 'Use a temperature > 0 (greedy: true for argmax), a finite β and a top-k of at least 1.',
    });
  }
  const scores = Float64Array.from(logits, (logit) => logit / temperature);
  if (topK !== undefined && topK < scores.length) {
    const kth = Float64Array.from(scores).sort()[scores.length - topK] as number;
    for (let i = 0; i < scores.length; i++) if ((scores[i] as number) < kth) scores[i] = -Infinity;
  }
  for (let i = 0; i < scores.length; i++) scores[i] = (scores[i] as number) + beta * ((q[i] as number) - v);
  return scores;
}

/** argmax of the scores, or a draw from their softmax with `rng`. */
export function chooseToken(scores: Float64Array, options: { greedy?: boolean; rng?: Rng }): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] as number) > (scores[best] as number)) best = i;
  const top = scores[best] as number;
  if (!Number.isFinite(top)) {
    throw new DecodeError(`decode: the best score is ${top}`, { hint: 'Check the model for NaN or infinite logits and Q values.' });
  }
  if (options.greedy) return best;
  if (options.rng === undefined) {
    throw new DecodeError('decode: sampling needs an rng', { hint: 'Pass a seeded rng (createRng), or greedy: true.' });
  }
  // Subtracting the max keeps exp() in range; −∞ scores get weight 0.
  let total = 0;
  const weights = Float64Array.from(scores, (score) => {
    const weight = Math.exp(score - top);
    total += weight;
    return weight;
  });
  let remaining = options.rng.next() * total;
  let last = best;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i] as number;
    if (weight === 0) continue;
    last = i;
    remaining -= weight;
    if (remaining < 0) return i;
  }
  // Rounding can leave a sliver above the summed weights; the last eligible token owns it.
  return last;
}

/** Generates one agent utterance after `prompt` (which should end with the agent marker). */
export async function decodeUtterance(prompt: readonly number[], step: DecodeStep, options: DecodeOptions): Promise<Decoded> {
  if (!(Number.isInteger(options.maxTokens) && options.maxTokens >= 1)) {
    throw new DecodeError(`decode: maxTokens ${options.maxTokens} is not a positive integer`, {
      hint: 'Give the longest utterance, in tokens, the agent may say.',
    });
  }
  const prefix = prompt.slice();
  const tokens: number[] = [];
  const advantages: number[] = [];
  for (let i = 0; i < options.maxTokens; i++) {
    const { logits, q, v } = await step(prefix);
    const token = chooseToken(perturbedLogits(logits, q, v, options), options);
    advantages.push((q[token] as number) - v);
    if (token === options.endOfTurn) return { tokens, stop: 'end-of-turn', advantages };
    tokens.push(token);
    prefix.push(token);
  }
  return { tokens, stop: 'max-tokens', advantages };
}
