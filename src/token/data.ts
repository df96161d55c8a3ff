/**
 * The dialogues as token transitions, and the batch of each training step. A step's batch
 * depends only on the seed and the step number (each epoch is planned by a generator forked for
 * it), so a run resumed from a save at step s sees exactly the batches the uninterrupted run
 * would have seen.
 *
 * @example
 * const data = prepareTokenData(dialogues, model.tokenizer, model.special, { maxLength: 256 });
 * const batchAt = createBatchPlan(data, { seed: 0, batchSize: 16, padTokenId: model.special.endOfText });
 * const batch = batchAt(17); // the same batch whenever step 17 runs
 */
import { ReverieError } from '../errors.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { createRng } from '../util/rng.ts';
import { batchTransitions } from './batch.ts';
import type { TransitionBatch } from './batch.ts';
import { tokenTransitions } from './transitions.ts';
import type { SpecialTokens, TokenEncoder, Transitions } from './transitions.ts';

export type TokenData = {
  transitions: Transitions[];
  /** Tokens and action tokens over all sequences (after truncation). */
  tokens: number;
  actions: number;
  /** The longest agent utterance in tokens, its end-of-turn included: a bound for decoding. */
  longestUtterance: number;
  /** Changes when any dialogue's id or reward does: a resumed run must see the same data. */
};

export class TokenDataError extends ReverieError {
  override readonly name = 'TokenDataError';
}

/** Ids and rewards, hashed: what decides whether two datasets train the same model. */
export function prepareTokenData(
  dialogues: readonly Dialogue[],
  tokenizer: TokenEncoder,
  special: SpecialTokens,
  options: { maxLength: number; turnCost?: number },
): TokenData {
  const transitions: Transitions[] = [];
  let tokens = 0;
  let actions = 0;
  let longestUtterance = 0;
  for (const dialogue of dialogues) {
    const item = tokenTransitions(dialogue.turns, tokenizer, special, { reward: dialogue.reward, turnCost: options.turnCost ?? 0, maxLength: options.maxLength });
    // A window with no agent token teaches nothing (and makes an empty action batch).
    if (!item.isAction.includes(1)) continue;
    transitions.push(item);
    tokens += item.tokens.length;
    let run = 0;
    for (const flag of item.isAction) {
      actions += flag;
      run = flag === 1 ? run + 1 : 0;
      longestUtterance = Math.max(longestUtterance, run);
    }
  }
  if (transitions.length === 0) {
    throw new TokenDataError(`none of the ${dialogues.length} dialogues has an agent turn to learn from`, {
      hint: 'Train on dialogues where the agent speaks (reverie imagine writes such data).',
    });
  }
  return { transitions, tokens, actions, longestUtterance };
}

/** Sequences of similar length share a batch if they fall in the same run of this many batches. */
const bucketBatches = 8;

/**
 * The batches of one epoch, as sequence indices: a seeded shuffle, cut into chunks of
 * `bucketBatches` batches, each chunk sorted by length and cut into batches, then the batch order
 * shuffled. Rows are padded to the longest in their batch, and a random batch of 16 travel
 * dialogues is about 40% padding; sorted chunks keep the batches near-random in content while
 * their rows have near-equal lengths.
 */
export function epochBatches(lengths: readonly number[], epoch: number, options: { seed: number; batchSize: number }): number[][] {
  const rng = createRng(options.seed).fork('batches').fork(`epoch-${epoch}`);
  const order = rng.fork('sequences').shuffle(lengths.map((_, index) => index));
  const chunk = options.batchSize * bucketBatches;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += chunk) {
    // Stable sort: equal lengths keep their shuffled order.
    const sorted = order.slice(start, start + chunk).sort((a, b) => (lengths[a] as number) - (lengths[b] as number));
    for (let at = 0; at < sorted.length; at += options.batchSize) batches.push(sorted.slice(at, at + options.batchSize));
  }
  return rng.fork('batches').shuffle(batches);
}

/**
 * The batch of each step (1-based): step s is batch (s − 1) mod B of epoch ⌊(s − 1) / B⌋, with
 * B = ⌈sequences / batchSize⌉. Epochs are planned on first use and the last two kept.
 */
export function createBatchPlan(data: TokenData, options: { seed: number; batchSize: number; padTokenId: number }): (step: number) => TransitionBatch {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new TokenDataError(`batch size ${options.batchSize} is not a positive integer`, { hint: 'Pass --batch-size 16 or so.' });
  }
  const lengths = data.transitions.map((item) => item.tokens.length);
  const perEpoch = Math.ceil(lengths.length / options.batchSize);
  const planned = new Map<number, number[][]>();
  return (step) => {
    if (!Number.isInteger(step) || step < 1) throw new TokenDataError(`step ${step} is not a positive integer`, { hint: 'Steps count from 1.' });
    const epoch = Math.floor((step - 1) / perEpoch);
    let batches = planned.get(epoch);
    if (batches === undefined) {
      batches = epochBatches(lengths, epoch, options);
      planned.set(epoch, batches);
      planned.delete(epoch - 2);
    }
    const indices = batches[(step - 1) % perEpoch] as number[];
    return batchTransitions(indices.map((index) => data.transitions[index] as Transitions), { padTokenId: options.padTokenId });
  };
}
