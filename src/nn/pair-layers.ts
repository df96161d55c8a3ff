/**
 * A wide term whose weight depends on the state: each state holds (feature, weight index) pairs,
 * and a candidate's score is Σ over the state's pairs of u[weight index]·y[feature], y being the
 * candidate's sparse features. The answered-words features (embed/answered.ts) use it: the pair
 * says "this word was said, and the user answered it so", the weight what that is worth when a
 * candidate says the word again. Like the other wide terms it is a loop over non-zeros, a
 * custom-gradient op differentiable in u.
 *
 * @example
 * const rows = pairRows([[{ words: Int32Array.of(3), tags: Int32Array.of(9) }]], 16, 32);
 * pairProduct(rows, u, candidates) // [1, candidates]: u[9]·y[j, 3] for each candidate j
 */
import * as tf from '@tensorflow/tfjs-core';
import { LinearShapeError } from './linear.ts';
import { loopOverWeights } from './sparse-layers.ts';
import type { SparseRows } from './sparse-layers.ts';

/**
 * Row r's pairs are entries offsets[r] … offsets[r + 1] − 1 of `features` (indices below
 * `dimension`, the candidates' feature width) and `weights` (indices below `width`, the weight's).
 */
export type PairRows = { count: number; dimension: number; width: number; offsets: Int32Array; features: Int32Array; weights: Int32Array };

/** Each row's pairs, from any number of pair lists per row (a state's answered exchanges, say). */
export const pairRows = (perRow: readonly (readonly { words: Int32Array; tags: Int32Array }[])[], dimension: number, width: number): PairRows => {
  const offsets = new Int32Array(perRow.length + 1);
  perRow.forEach((lists, row) => (offsets[row + 1] = (offsets[row] as number) + lists.reduce((sum, list) => sum + list.words.length, 0)));
  const features = new Int32Array(offsets[perRow.length] as number);
  const weights = new Int32Array(features.length);
  perRow.forEach((lists, row) => {
    let at = offsets[row] as number;
    for (const list of lists) {
      if (list.words.length !== list.tags.length) throw new LinearShapeError(`pair list of ${list.words.length} features and ${list.tags.length} weights`, { hint: 'Give each feature its weight index.' });
      features.set(list.words, at);
      weights.set(list.tags, at);
      at += list.words.length;
    }
  });
  for (let i = 0; i < features.length; i += 1) {
    const feature = features[i] as number;
    const weight = weights[i] as number;
    if (feature < 0 || feature >= dimension || weight < 0 || weight >= width) {
      throw new LinearShapeError(`pair (${features[i]}, ${weights[i]}) outside the widths ${dimension} and ${width}`, { hint: 'Build the pairs with the widths the network was built for.' });
    }
  }
  return { count: perRow.length, dimension, width, offsets, features, weights };
};

/** The rows at `positions`, in that order. */
export const selectPairRows = (rows: PairRows, positions: readonly number[]): PairRows => {
  const offsets = new Int32Array(positions.length + 1);
  positions.forEach((row, i) => (offsets[i + 1] = (offsets[i] as number) + (rows.offsets[row + 1] as number) - (rows.offsets[row] as number)));
  const features = new Int32Array(offsets[positions.length] as number);
  const weights = new Int32Array(features.length);
  positions.forEach((row, i) => {
    features.set(rows.features.subarray(rows.offsets[row], rows.offsets[row + 1]), offsets[i]);
    weights.set(rows.weights.subarray(rows.offsets[row], rows.offsets[row + 1]), offsets[i]);
  });
  return { count: positions.length, dimension: rows.dimension, width: rows.width, offsets, features, weights };
};

/**
 * Forward: out[i, j] = Σ_{(f, w) ∈ x[i]} u[w]·y[j, f]. Backward: du[w] += Σ_j g[i, j]·y[j, f].
 * Per row i, a dense scratch over features (forward: Σ u[w] per f; backward: Σ_j g[i, j]·y[j, f])
 * makes each lookup O(1).
 */
function pairCells(x: PairRows, y: SparseRows, paired: boolean, cells: Float32Array, u: Float32Array, backward: boolean): void {
  const scratch = new Float32Array(x.dimension);
  const columns = paired ? 1 : y.count;
  for (let i = 0; i < x.count; i += 1) {
    const start = x.offsets[i] as number;
    const end = x.offsets[i + 1] as number;
    if (start === end) continue;
    const first = paired ? i : 0;
    const last = paired ? i + 1 : y.count;
    if (!backward) for (let e = start; e < end; e += 1) scratch[x.features[e] as number] = (scratch[x.features[e] as number] as number) + (u[x.weights[e] as number] as number);
    for (let j = first; j < last; j += 1) {
      const cell = paired ? i : i * columns + j;
      let sum = 0;
      for (let e = y.offsets[j] as number; e < (y.offsets[j + 1] as number); e += 1) {
        const d = y.indices[e] as number;
        if (backward) scratch[d] = (scratch[d] as number) + (cells[cell] as number) * (y.values[e] as number);
        else sum += (scratch[d] as number) * (y.values[e] as number);
      }
      if (!backward) cells[cell] = sum;
    }
    // Clear only what was touched: the candidates' features (backward) or the state's (forward).
    if (backward) {
      for (let e = start; e < end; e += 1) u[x.weights[e] as number] = (u[x.weights[e] as number] as number) + (scratch[x.features[e] as number] as number);
      for (let j = first; j < last; j += 1) for (let e = y.offsets[j] as number; e < (y.offsets[j + 1] as number); e += 1) scratch[y.indices[e] as number] = 0;
    } else for (let e = start; e < end; e += 1) scratch[x.features[e] as number] = 0;
  }
}

const pairs = (x: PairRows, u: tf.Tensor1D, y: SparseRows, paired: boolean): tf.Tensor => {
  if (x.width !== u.shape[0] || y.dimension !== x.dimension) {
    throw new LinearShapeError(`pair product: pairs of widths ${x.dimension} and ${x.width} do not fit candidates of ${y.dimension} features and a weight of ${u.shape[0]}`, { hint: 'Build the pairs with the widths the network was built for.' });
  }
  if (paired && x.count !== y.count) throw new LinearShapeError(`paired pair product: ${x.count} rows against ${y.count}`, { hint: 'Pair each state with exactly one action.' });
  return loopOverWeights(u, { rows: x.count, columns: y.count, paired }, (cells, weights, backward) => pairCells(x, y, paired, cells, weights, backward));
};

/** Σ_{(f, w) ∈ x[i]} u[w]·y[j, f] for every row i of x and j of y: [x rows, y rows]. Differentiable in u. */
export const pairProduct = (x: PairRows, u: tf.Tensor1D, y: SparseRows): tf.Tensor2D => pairs(x, u, y, false) as tf.Tensor2D;

/** The same for aligned rows, i with i: [rows]. */
export const pairPaired = (x: PairRows, u: tf.Tensor1D, y: SparseRows): tf.Tensor1D => pairs(x, u, y, true) as tf.Tensor1D;
