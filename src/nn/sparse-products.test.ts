import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../util/rng.ts';
import { initBackend } from './backend.ts';
import { LinearShapeError } from './linear.ts';
import { denseRows, sparseLinear, sparseRows } from './sparse-layers.ts';
import type { SparseRows, SparseVector } from './sparse-layers.ts';
import { preferSparse, sparseRowsBelow, sparseTimesDense, sparseTransposeTimes } from './sparse-products.ts';

beforeAll(async () => {
  await initBackend('wasm');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
});

const dimension = 1024;
/** Float32 values, zeros of both signs included (input dropout leaves zeros among the entries). */
const value = fc.oneof(fc.float({ min: -4, max: 4, noNaN: true }), fc.constantFrom(0, -0));
const vector = (most: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: dimension - 1 }), { maxLength: most }).chain((indices) =>
    fc.array(value, { minLength: indices.length, maxLength: indices.length }).map((values): SparseVector => {
      const order = indices.map((index, i) => ({ index, value: values[i] as number })).sort((a, b) => a.index - b.index);
      return { indices: Int32Array.from(order, (entry) => entry.index), values: Float32Array.from(order, (entry) => entry.value) };
    }),
  );
const rows = (most: number) => fc.array(vector(most), { minLength: 1, maxLength: 40 }).map((vectors) => sparseRows(vectors, dimension));
/** A float32 matrix in [−2, 2) from a seed: fast-check arrays of 100,000 numbers would be slow to draw. */
const matrix = (length: number) =>
  fc.integer({ min: 1, max: 2 ** 30 }).map((seed) => {
    const rng = createRng(seed);
    return Float32Array.from({ length }, () => rng.next() * 4 - 2);
  });
const widths = fc.constantFrom(1, 7, 64, 130);

/** The same bits, telling +0 from −0. */
const expectBits = (actual: Float32Array, expected: Float32Array) => {
  expect(actual.length).toBe(expected.length);
  const differing = Array.from(actual).findIndex((x, i) => !Object.is(x, expected[i]));
  expect(differing).toBe(-1);
};
const denseProduct = (x: SparseRows, w: Float32Array, width: number) =>
  tf.tidy(() => tf.matMul(tf.tensor2d(denseRows(x), [x.count, dimension]), tf.tensor2d(w, [dimension, width])).dataSync() as Float32Array);
const denseTransposeProduct = (x: SparseRows, d: Float32Array, width: number) =>
  tf.tidy(() => tf.matMul(tf.tensor2d(denseRows(x, true), [dimension, x.count]), tf.tensor2d(d, [x.count, width])).dataSync() as Float32Array);

describe('sparse products', () => {
  it('x·W is the backend’s dense product to the last bit', () => {
    fc.assert(
      fc.property(rows(80), widths.chain((width) => fc.tuple(fc.constant(width), matrix(dimension * width))), (x, [width, w]) => {
        expectBits(sparseTimesDense(x, w, width), denseProduct(x, w, width));
      }),
      { numRuns: 40 },
    );
  });

  it('xᵀ·D, the weight gradient, is the backend’s dense product to the last bit', () => {
    fc.assert(
      fc.property(
        rows(80).chain((x) => widths.chain((width) => fc.tuple(fc.constant(x), fc.constant(width), matrix(x.count * width)))),
        ([x, width, d]) => expectBits(sparseTransposeTimes(x, d, width), denseTransposeProduct(x, d, width)),
      ),
      { numRuns: 40 },
    );
  });

  it('adds by hand: two rows, one weight column', () => {
    const x = sparseRows([{ indices: Int32Array.of(0, 2), values: Float32Array.of(2, -1) }, { indices: Int32Array.of(1), values: Float32Array.of(3) }], 3);
    expect(Array.from(sparseTimesDense(x, Float32Array.of(1, 10, 100), 1))).toEqual([2 - 100, 30]);
    expect(Array.from(sparseTransposeTimes(x, Float32Array.of(5, 7), 1))).toEqual([10, 21, -5]);
  });

  it('takes the loop for rows as sparse as an utterance or a state, the dense product for dense rows', () => {
    const spread = (count: number, perRow: number) =>
      sparseRows(Array.from({ length: count }, () => ({ indices: Int32Array.from({ length: perRow }, (_, i) => i), values: new Float32Array(perRow).fill(1) })), dimension);
    expect(preferSparse(spread(128, 15))).toBe(true);
    expect(preferSparse(spread(128, 136))).toBe(true);
    expect(preferSparse(spread(128, sparseRowsBelow))).toBe(false);
    expect(preferSparse(spread(128, dimension))).toBe(false);
  });

  it('sparseLinear gives the dense value and weight gradient to the last bit on either path', () => {
    const width = 7;
    fc.assert(
      fc.property(
        fc
          .constantFrom(8, 900)
          .chain((most) => fc.array(vector(most), { minLength: 1, maxLength: 24 }))
          .chain((vectors) => fc.tuple(fc.constant(vectors), matrix(dimension * width), matrix(width), matrix(vectors.length * width))),
        ([vectors, w, b, g]) => {
          const x = sparseRows(vectors, dimension);
          const weights = tf.variable(tf.tensor2d(w, [dimension, width]));
          const bias = tf.variable(tf.tensor1d(b));
          const out = tf.tidy(() => sparseLinear(x, weights, bias).dataSync() as Float32Array);
          // d/dW of Σ out ⊙ G is xᵀ·G.
          const { value: loss, grads } = tf.variableGrads(() => tf.sum(tf.mul(sparseLinear(x, weights, bias), tf.tensor2d(g, [x.count, width]))) as tf.Scalar, [weights, bias]);
          const gradient = grads[weights.name]?.dataSync() as Float32Array;
          tf.dispose([loss, ...Object.values(grads), weights, bias]);
          expectBits(out, tf.tidy(() => tf.add(tf.tensor2d(denseProduct(x, w, width), [x.count, width]), tf.tensor1d(b)).dataSync() as Float32Array));
          expectBits(gradient, denseTransposeProduct(x, g, width));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('refuses a matrix of the wrong size, which the kernel would read past', () => {
    const x = sparseRows([{ indices: Int32Array.of(0, 2), values: Float32Array.of(2, -1) }], 3);
    expect(() => sparseTimesDense(x, new Float32Array(5), 2)).toThrow(LinearShapeError);
    expect(() => sparseTransposeTimes(x, new Float32Array(3), 2)).toThrow(/not \[1, 2\]/);
  });

  it('runs the bytes its WAT source assembles to', () => {
    // Throws, with the file to regenerate on stderr, when the two differ.
    expect(() => execFileSync(process.execPath, ['scripts/build-kernels.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
