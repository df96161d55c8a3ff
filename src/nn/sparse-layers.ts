/**
 * The layers that read hashed features, from sparse rows. A state has about 50 non-zero
 * features out of 1,024 and an utterance about 15. The wide terms only ever touch features a
 * state and an utterance share, a few per pair, so they are loops over the non-zeros; the
 * first layers are loops over the non-zeros too (SIMD across the outputs; see sparse-products.ts).
 * All are custom-gradient ops, so they sit in tf's tape like any other op; features are data,
 * so only the weights get gradients.
 *
 * @example
 * const rows = sparseRows(vectors, 1024);
 * const hidden = sparseLinear(rows, w1, b1);                 // [rows, hidden]
 * const scores = sparseWideProduct(rows, u, candidates);     // [rows, candidates]: Σ_d u_d x_d y_d
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.ts';
import { LinearShapeError } from './linear.ts';
import { preferSparse, sparseTimesDense, sparseTransposeTimes } from './sparse-products.ts';
import { readValues, tensorFromScratch } from './variable-values.ts';

/** A sparse vector: sorted unique indices with their values (what the hashed encoder produces). */
export type SparseVector = { indices: Int32Array; values: Float32Array };

/** Sparse rows in compressed-row form: row r holds entries offsets[r] … offsets[r + 1] − 1. */
export type SparseRows = { count: number; dimension: number; offsets: Int32Array; indices: Int32Array; values: Float32Array };

const checkIndices = (vector: SparseVector, dimension: number): void => {
  for (const index of vector.indices) {
    if (index < 0 || index >= dimension) throw new LinearShapeError(`sparse feature ${index} is outside the input width ${dimension}`, { hint: 'Embed with the dimension the network was built for.' });
  }
};

export const sparseRows = (vectors: readonly SparseVector[], dimension: number): SparseRows => {
  const offsets = new Int32Array(vectors.length + 1);
  vectors.forEach((vector, row) => (offsets[row + 1] = (offsets[row] as number) + vector.indices.length));
  const total = offsets[vectors.length] as number;
  const indices = new Int32Array(total);
  const values = new Float32Array(total);
  vectors.forEach((vector, row) => {
    checkIndices(vector, dimension);
    indices.set(vector.indices, offsets[row]);
    values.set(vector.values, offsets[row]);
  });
  return { count: vectors.length, dimension, offsets, indices, values };
};

/**
 * Sparse vectors appended one at a time into compressed rows, the buffers doubling as they fill:
 * a dataset's hundreds of thousands of states as three arrays rather than an object each, which
 * the garbage collector would otherwise trace on every pass while training.
 */
export const createRowsBuilder = (dimension: number) => {
  let offsets = new Int32Array(1024);
  let indices = new Int32Array(1 << 16);
  let values = new Float32Array(1 << 16);
  let count = 0;
  const grown = <T extends Int32Array | Float32Array>(array: T, needed: number, make: (length: number) => T): T => {
    if (needed <= array.length) return array;
    const bigger = make(Math.max(needed, array.length * 2));
    bigger.set(array);
    return bigger;
  };
  return {
    /** Appends a row and returns its position. */
    push(vector: SparseVector): number {
      const start = offsets[count] as number;
      const end = start + vector.indices.length;
      checkIndices(vector, dimension);
      offsets = grown(offsets, count + 2, (length) => new Int32Array(length));
      indices = grown(indices, end, (length) => new Int32Array(length));
      values = grown(values, end, (length) => new Float32Array(length));
      indices.set(vector.indices, start);
      values.set(vector.values, start);
      count += 1;
      offsets[count] = end;
      return count - 1;
    },
    /** The rows so far: views of the buffers (a copy would briefly double a dataset's largest arrays). */
    done(): SparseRows {
      const total = offsets[count] as number;
      return { count, dimension, offsets: offsets.subarray(0, count + 1), indices: indices.subarray(0, total), values: values.subarray(0, total) };
    },
  };
};

/** The rows at `positions`, in that order. */
export const selectRows = (rows: SparseRows, positions: readonly number[]): SparseRows => {
  const offsets = new Int32Array(positions.length + 1);
  positions.forEach((row, i) => (offsets[i + 1] = (offsets[i] as number) + (rows.offsets[row + 1] as number) - (rows.offsets[row] as number)));
  const indices = new Int32Array(offsets[positions.length] as number);
  const values = new Float32Array(indices.length);
  positions.forEach((row, i) => {
    indices.set(rows.indices.subarray(rows.offsets[row], rows.offsets[row + 1]), offsets[i]);
    values.set(rows.values.subarray(rows.offsets[row], rows.offsets[row + 1]), offsets[i]);
  });
  return { count: positions.length, dimension: rows.dimension, offsets, indices, values };
};

/** Inverted dropout: each stored feature is zeroed with probability p and the rest scaled by 1/(1 − p). */
export const dropSparse = (rows: SparseRows, p: number, rng: Rng): SparseRows => {
  if (p <= 0) return rows;
  const keep = 1 / (1 - p);
  return { ...rows, values: rows.values.map((value) => (rng.next() < p ? 0 : value * keep)) };
};

const checkWidth = (what: string, rows: SparseRows, width: number): void => {
  if (rows.dimension !== width) {
    throw new LinearShapeError(`${what}: rows of ${rows.dimension} features do not fit a weight of ${width} rows`, { hint: 'Embed with the dimension the network was built for.' });
  }
};

/** Row-major dense copy of the rows ([rows, d]), or of their transpose ([d, rows]). */
export const denseRows = (x: SparseRows, transposed = false): Float32Array => {
  const dense = new Float32Array(x.count * x.dimension);
  for (let row = 0; row < x.count; row += 1) {
    for (let entry = x.offsets[row] as number; entry < (x.offsets[row + 1] as number); entry += 1) {
      const column = x.indices[entry] as number;
      dense[transposed ? column * x.count + row : row * x.dimension + column] = x.values[entry] as number;
    }
  }
  return dense;
};

/**
 * x·w + b for sparse x: [rows, out]. Differentiable in w and b (features are data, so x gets no
 * gradient). Sparse rows are multiplied by a loop over their non-zeros, rows denser than
 * `sparseRowsBelow` by the backend's product on a dense copy: the two give the same bits (see
 * sparse-products.ts), so only the speed depends on the choice.
 */
export function sparseLinear(x: SparseRows, w: tf.Tensor2D, b: tf.Tensor1D, known?: tf.Tensor2D): tf.Tensor2D {
  const [inputs, width] = w.shape;
  checkWidth('sparseLinear', x, inputs);
  if (b.rank !== 1 || b.shape[0] !== width) throw new LinearShapeError(`sparseLinear: bias [${b.shape}] does not match ${width} outputs`, { hint: 'The bias needs one entry per output column of w.' });
  if (known !== undefined && (known.shape[0] !== x.count || known.shape[1] !== width)) {
    throw new LinearShapeError(`sparseLinear: a known product of shape [${known.shape}] cannot stand for [${x.count}, ${width}]`, { hint: 'Pass the product of these very rows and weights.' });
  }
  const sparse = preferSparse(x);
  // The tensors are read in place, and the kernel's output (its scratch memory) becomes the new tensor.
  const product = (weights: tf.Tensor2D): tf.Tensor2D =>
    sparse ? tensorFromScratch(sparseTimesDense(x, readValues(weights), width, false), [x.count, width]) : tf.matMul(tf.tensor2d(denseRows(x), [x.count, inputs]), weights);
  const weightGradient = (dy: tf.Tensor2D): tf.Tensor2D =>
    sparse ? tensorFromScratch(sparseTransposeTimes(x, readValues(dy), width, false), [inputs, width]) : tf.matMul(tf.tensor2d(denseRows(x, true), [inputs, x.count]), dy);
  const op = tf.customGrad(((weights: tf.Tensor2D, bias: tf.Tensor1D) => ({
    value: known === undefined ? tf.add(product(weights), bias) : tf.clone(known),
    gradFunc: (dy: tf.Tensor) => [weightGradient(dy as tf.Tensor2D), tf.sum(dy, 0)],
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(w, b) as tf.Tensor2D;
}

/**
 * For every pair (i, j) — all of them, or i = j when paired — and every feature d that x[i] and
 * y[j] share: forward, out[i, j] += u[d]·x[i, d]·y[j, d]; backward, du[d] += g[i, j]·x[i, d]·y[j, d].
 * One dense scratch copy of x[i] at a time makes each lookup O(1).
 */
function sharedFeatures(x: SparseRows, y: SparseRows, paired: boolean, cells: Float32Array, weights: Float32Array, backward: boolean): void {
  const scratch = new Float32Array(x.dimension);
  const columns = paired ? 1 : y.count;
  for (let i = 0; i < x.count; i += 1) {
    const start = x.offsets[i] as number;
    const end = x.offsets[i + 1] as number;
    for (let e = start; e < end; e += 1) scratch[x.indices[e] as number] = x.values[e] as number;
    const first = paired ? i : 0;
    const last = paired ? i + 1 : y.count;
    for (let j = first; j < last; j += 1) {
      const cell = paired ? i : i * columns + j;
      let sum = 0;
      const g = backward ? (cells[cell] as number) : 0;
      for (let e = y.offsets[j] as number; e < (y.offsets[j + 1] as number); e += 1) {
        const d = y.indices[e] as number;
        const product = (scratch[d] as number) * (y.values[e] as number);
        if (product === 0) continue;
        if (backward) weights[d] = (weights[d] as number) + g * product;
        else sum += (weights[d] as number) * product;
      }
      if (!backward) cells[cell] = sum;
    }
    for (let e = start; e < end; e += 1) scratch[x.indices[e] as number] = 0;
  }
}

/**
 * A custom-gradient op over a weight vector u whose forward and backward are JS loops: `cells`
 * fills the output from the weights (forward) or the weights' gradient from the output's
 * (backward). `rows`/`columns`: the output's shape, [rows] when `paired`.
 */
export const loopOverWeights = (
  u: tf.Tensor1D,
  { rows, columns, paired }: { rows: number; columns: number; paired: boolean },
  cells: (cells: Float32Array, weights: Float32Array, backward: boolean) => void,
): tf.Tensor => {
  const op = tf.customGrad(((weights: tf.Tensor1D) => {
    const out = new Float32Array(paired ? rows : rows * columns);
    cells(out, weights.dataSync() as Float32Array, false);
    return {
      value: tf.tensor(out, paired ? [rows] : [rows, columns]),
      gradFunc: (dy: tf.Tensor) => {
        const du = new Float32Array(u.shape[0]);
        cells(dy.dataSync() as Float32Array, du, true);
        return tf.tensor1d(du);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(u);
};

const wide = (x: SparseRows, u: tf.Tensor1D, y: SparseRows, paired: boolean): tf.Tensor => {
  checkWidth('wide product', x, u.shape[0]);
  checkWidth('wide product', y, u.shape[0]);
  if (paired && x.count !== y.count) throw new LinearShapeError(`paired wide product: ${x.count} rows against ${y.count}`, { hint: 'Pair each state with exactly one action.' });
  return loopOverWeights(u, { rows: x.count, columns: y.count, paired }, (cells, weights, backward) => sharedFeatures(x, y, paired, cells, weights, backward));
};

/** Σ_d u_d x[i, d] y[j, d] for every row i of x and j of y: [x rows, y rows]. Differentiable in u. */
export const sparseWideProduct = (x: SparseRows, u: tf.Tensor1D, y: SparseRows): tf.Tensor2D => wide(x, u, y, false) as tf.Tensor2D;

/** Σ_d u_d x[i, d] y[i, d] for aligned rows: [rows]. Differentiable in u. */
export const sparseWidePaired = (x: SparseRows, u: tf.Tensor1D, y: SparseRows): tf.Tensor1D => wide(x, u, y, true) as tf.Tensor1D;
