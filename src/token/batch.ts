/**
 * Batches of token transitions for the model: every row padded on the right to one length and
 * flattened row-major to B·T positions (the layout of a [B, T, d] hidden-state tensor reshaped
 * to [B·T, d]); and the action rows gathered out of it, since the Q and V heads only ever
 * need to run at action positions (every TD successor is an action position too).
 *
 * @example
 * const batch = batchTransitions([a, b], { padTokenId: 50256 });
 * const rows = actionRows(batch); // gather hidden[rows.positions] → [M, d] for the ILQL heads
 */
import { ReverieError } from '../errors.ts';
import type { Transitions } from './transitions.ts';

export class TokenBatchError extends ReverieError {
  override readonly name = 'TokenBatchError';
}

export type TransitionBatch = {
  batchSize: number;
  length: number;
  /** [B·T] token ids, `padTokenId` after each row's end. */
  tokens: Int32Array;
  /** [B·T] 1 on real tokens, 0 on padding: the model's attention mask. */
  attentionMask: Float32Array;
  /** [B·T] the token at t + 1 (the taken action at action positions); `padTokenId` where there is none. */
  nextTokens: Int32Array;
  /** [B·T] 1 where both t and t + 1 are real tokens: the positions an all-token LM loss can use. */
  predictionMask: Float32Array;
  /** [B·T] 1 at action positions, 0 elsewhere and always 0 on padding. */
  isAction: Float32Array;
  reward: Float32Array;
  done: Float32Array;
  /**
   * [B·T] flat index (b·T + t′) of the position whose V bootstraps the TD target. Where there is
   * no successor (done, not an action, padding) it is the position's own index: always safe to
   * gather, and multiplied away by (1 − done) or by the action mask.
   */
  nextValueIndex: Int32Array;
};

/** The action positions of a batch, in order, with their successors renumbered into this list. */
export type ActionRows = {
  /** [M] flat positions into the batch: gather hidden states here. */
  positions: Int32Array;
  /** [M] the taken token a_t. */
  tokens: Int32Array;
  reward: Float32Array;
  done: Float32Array;
  /** [M] row of the successor within these rows; the row itself when done. */
  nextValueIndex: Int32Array;
};

export function batchTransitions(items: readonly Transitions[], options: { padTokenId: number; length?: number }): TransitionBatch {
  const { padTokenId } = options;
  const longest = items.reduce((most, item) => Math.max(most, item.tokens.length), 0);
  const length = options.length ?? longest;
  if (items.length === 0 || length < 1 || longest > length) {
    throw new TokenBatchError(`cannot batch ${items.length} sequences (longest ${longest}) to length ${length}`, {
      hint: 'Pass at least one sequence, and truncate sequences (truncateTransitions) to the batch length first.',
    });
  }
  const size = items.length * length;
  const batch: TransitionBatch = {
    batchSize: items.length,
    length,
    tokens: new Int32Array(size).fill(padTokenId),
    attentionMask: new Float32Array(size),
    nextTokens: new Int32Array(size).fill(padTokenId),
    predictionMask: new Float32Array(size),
    isAction: new Float32Array(size),
    reward: new Float32Array(size),
    done: new Float32Array(size),
    nextValueIndex: Int32Array.from({ length: size }, (_, index) => index),
  };
  items.forEach((item, row) => {
    const offset = row * length;
    const n = item.tokens.length;
    for (let t = 0; t < n; t++) {
      const at = offset + t;
      batch.tokens[at] = item.tokens[t] ?? padTokenId;
      batch.attentionMask[at] = 1;
      if (t + 1 < n) {
        batch.nextTokens[at] = item.tokens[t + 1] ?? padTokenId;
        batch.predictionMask[at] = 1;
      }
      if (item.isAction[t] !== 1) continue;
      batch.isAction[at] = 1;
      batch.reward[at] = item.reward[t] ?? 0;
      batch.done[at] = item.done[t] ?? 0;
      const next = item.nextValueIndex[t] ?? -1;
      if (next >= 0) batch.nextValueIndex[at] = offset + next;
    }
  });
  return batch;
}

export function actionRows(batch: TransitionBatch): ActionRows {
  const positions: number[] = [];
  const rowOf = new Map<number, number>();
  batch.isAction.forEach((flag, position) => {
    if (flag !== 1) return;
    rowOf.set(position, positions.length);
    positions.push(position);
  });
  const pick = (values: Float32Array | Int32Array) => positions.map((position) => values[position] ?? 0);
  const nextValueIndex = positions.map((position, row) => {
    const next = batch.nextValueIndex[position] ?? position;
    if (next === position) return row;
    const nextRow = rowOf.get(next);
    if (nextRow === undefined) {
      throw new TokenBatchError(`action at position ${position} bootstraps from position ${next}, which is not an action`, {
        hint: 'Build batches with batchTransitions from dialogueTransitions output; successors must be action positions.',
      });
    }
    return nextRow;
  });
  return {
    positions: Int32Array.from(positions),
    tokens: Int32Array.from(pick(batch.nextTokens)),
    reward: Float32Array.from(pick(batch.reward)),
    done: Float32Array.from(pick(batch.done)),
    nextValueIndex: Int32Array.from(nextValueIndex),
  };
}
