import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SparseVector } from './sparse-layers.ts';
import { createRng } from '../util/rng.ts';
import { initBackend } from './backend.ts';
import { LinearShapeError } from './linear.ts';
import { createRowsBuilder, denseRows, dropSparse, selectRows, sparseLinear, sparseRows, sparseWidePaired, sparseWideProduct } from './sparse-layers.ts';

beforeAll(async () => {
  await initBackend('wasm');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
});

const dimension = 9;
/** A sparse vector over `dimension` features: sorted distinct indices, non-zero values. */
const vector = fc
  .uniqueArray(fc.integer({ min: 0, max: dimension - 1 }), { maxLength: dimension })
  .chain((indices) => fc.array(fc.double({ min: 0.1, max: 2, noNaN: true }), { minLength: indices.length, maxLength: indices.length }).map((values): SparseVector => {
    const order = indices.map((index, i) => ({ index, value: values[i] as number })).sort((a, b) => a.index - b.index);
    return { indices: Int32Array.from(order, (entry) => entry.index), values: Float32Array.from(order, (entry) => entry.value) };
  }));
const rowsOf = (count: { min: number; max: number }) => fc.array(vector, { minLength: count.min, maxLength: count.max });
const weights = (length: number) => fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: length, maxLength: length });

const dense = (vectors: readonly SparseVector[]) => tf.tensor2d(denseRows(sparseRows(vectors, dimension)), [vectors.length, dimension]);
const read = (tensor: tf.Tensor) => Array.from(tensor.dataSync());
const expectClose = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => expect(Math.abs((actual[i] as number) - value)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(value))));
};

describe('sparse rows', () => {
  it('densify to the vectors they came from, and transpose', () => {
    const vectors: SparseVector[] = [
      { indices: Int32Array.from([1, 3]), values: Float32Array.from([0.5, 2]) },
      { indices: new Int32Array(0), values: new Float32Array(0) },
      { indices: Int32Array.from([0]), values: Float32Array.from([4]) },
    ];
    const rows = sparseRows(vectors, 4);
    expect(Array.from(rows.offsets)).toEqual([0, 2, 2, 3]);
    expect(Array.from(denseRows(rows))).toEqual([0, 0.5, 0, 2, 0, 0, 0, 0, 4, 0, 0, 0]);
    expect(Array.from(denseRows(rows, true))).toEqual([0, 0, 4, 0.5, 0, 0, 0, 0, 0, 2, 0, 0]);
    expect(Array.from(denseRows(selectRows(rows, [2, 0])))).toEqual([4, 0, 0, 0, 0, 0.5, 0, 2]);
  });

  it('built one row at a time, hold what sparseRows makes of the same vectors, across many growths of the buffers', () => {
    fc.assert(
      fc.property(rowsOf({ min: 0, max: 40 }), fc.integer({ min: 1, max: 12_000 }), (vectors, copies) => {
        const builder = createRowsBuilder(dimension);
        const many = Array.from({ length: copies }, (_, i) => vectors[i % Math.max(1, vectors.length)]).filter((v): v is SparseVector => v !== undefined);
        many.forEach((v, i) => expect(builder.push(v)).toBe(i));
        const built = builder.done();
        const expected = sparseRows(many, dimension);
        expect(built.count).toBe(many.length);
        // The first position where two arrays differ, −1 if none: a deep equality over 100,000 entries takes seconds.
        const mismatch = (a: ArrayLike<number>, b: ArrayLike<number>) => (a.length !== b.length ? -2 : Array.prototype.findIndex.call(a, (value: number, i: number) => value !== b[i]));
        expect([mismatch(built.offsets, expected.offsets), mismatch(built.indices, expected.indices), mismatch(built.values, expected.values)]).toEqual([-1, -1, -1]);
        const positions = [many.length - 1, 0, Math.floor(many.length / 2)];
        expect(denseRows(selectRows(built, positions))).toEqual(denseRows(selectRows(expected, positions)));
      }),
      { numRuns: 20 },
    );
    expect(() => createRowsBuilder(dimension).push({ indices: Int32Array.from([dimension]), values: Float32Array.from([1]) })).toThrow(LinearShapeError);
  });

  it('refuse a feature outside the width', () => {
    expect(() => sparseRows([{ indices: Int32Array.from([4]), values: Float32Array.from([1]) }], 4)).toThrow(LinearShapeError);
  });

  it('drop a share close to p of the features and scale the rest by 1/(1 − p), the same way for the same seed', () => {
    const rows = sparseRows([{ indices: Int32Array.from({ length: 1000 }, (_, i) => i), values: new Float32Array(1000).fill(1) }], 1000);
    const dropped = dropSparse(rows, 0.3, createRng(5));
    const zeros = dropped.values.filter((value) => value === 0).length;
    expect(Math.abs(zeros / 1000 - 0.3)).toBeLessThan(0.06);
    expect(dropped.values.every((value) => value === 0 || Math.abs(value - 1 / 0.7) < 1e-6)).toBe(true);
    expect(Array.from(dropSparse(rows, 0.3, createRng(5)).values)).toEqual(Array.from(dropped.values));
    expect(dropSparse(rows, 0, createRng(5))).toBe(rows);
  });
});

describe('sparse layers match their dense definitions', () => {
  it('sparseLinear: x·w + b and the gradients of w and b', () => {
    const problem = rowsOf({ min: 1, max: 5 }).chain((x) => fc.record({ x: fc.constant(x), w: weights(dimension * 3), b: weights(3), dy: weights(x.length * 3) }));
    fc.assert(
      fc.property(problem, ({ x, w, b, dy }) => {
        tf.tidy(() => {
          const args = [tf.tensor2d(w, [dimension, 3]), tf.tensor1d(b)] as const;
          const upstream = tf.tensor2d(dy, [x.length, 3]);
          const rows = sparseRows(x, dimension);
          const plain = (wt: tf.Tensor, bt: tf.Tensor) => tf.add(tf.matMul(dense(x), wt as tf.Tensor2D), bt);
          expectClose(read(sparseLinear(rows, ...args)), read(plain(...args)));
          const ours = tf.grads((wt, bt) => sparseLinear(rows, wt as tf.Tensor2D, bt as tf.Tensor1D))([...args], upstream);
          const theirs = tf.grads(plain)([...args], upstream);
          expectClose(read(ours[0] as tf.Tensor), read(theirs[0] as tf.Tensor));
          expectClose(read(ours[1] as tf.Tensor), read(theirs[1] as tf.Tensor));
        });
      }),
      { numRuns: 50 },
    );
  });

  it('sparseLinear with a known product returns it and still gives the gradients of w and b', () => {
    tf.tidy(() => {
      const rows = sparseRows([{ indices: Int32Array.from([0, 2]), values: Float32Array.from([1, 2]) }, { indices: Int32Array.from([1]), values: Float32Array.from([3]) }], 3);
      const w = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const b = tf.tensor1d([0.5, -0.5]);
      const known = sparseLinear(rows, w, b);
      expect(read(known)).toEqual([11.5, 13.5, 9.5, 11.5]);
      const marked = tf.tensor2d([7, 7, 7, 7], [2, 2]);
      expect(read(sparseLinear(rows, w, b, marked))).toEqual([7, 7, 7, 7]);
      const upstream = tf.tensor2d([1, 0, 0, 2], [2, 2]);
      const withKnown = tf.grads((wt, bt) => sparseLinear(rows, wt as tf.Tensor2D, bt as tf.Tensor1D, known))([w, b], upstream);
      const without = tf.grads((wt, bt) => sparseLinear(rows, wt as tf.Tensor2D, bt as tf.Tensor1D))([w, b], upstream);
      expect(read(withKnown[0] as tf.Tensor)).toEqual(read(without[0] as tf.Tensor));
      expect(read(withKnown[0] as tf.Tensor)).toEqual([1, 0, 0, 6, 2, 0]);
      expect(read(withKnown[1] as tf.Tensor)).toEqual([1, 2]);
      expect(() => sparseLinear(rows, w, b, tf.zeros([3, 2]))).toThrow(/known product/);
    });
  });

  it('sparseWideProduct: (x ⊙ u)·yᵀ and the gradient of u', () => {
    const problem = fc.tuple(rowsOf({ min: 1, max: 4 }), rowsOf({ min: 1, max: 5 })).chain(([x, y]) => fc.record({ x: fc.constant(x), y: fc.constant(y), u: weights(dimension), dy: weights(x.length * y.length) }));
    fc.assert(
      fc.property(problem, ({ x, y, u, dy }) => {
        tf.tidy(() => {
          const upstream = tf.tensor2d(dy, [x.length, y.length]);
          const plain = (ut: tf.Tensor) => tf.matMul(tf.mul(dense(x), ut) as tf.Tensor2D, dense(y), false, true);
          const ours = (ut: tf.Tensor) => sparseWideProduct(sparseRows(x, dimension), ut as tf.Tensor1D, sparseRows(y, dimension));
          expectClose(read(ours(tf.tensor1d(u))), read(plain(tf.tensor1d(u))));
          expectClose(read(tf.grad(ours)(tf.tensor1d(u), upstream)), read(tf.grad(plain)(tf.tensor1d(u), upstream)));
        });
      }),
      { numRuns: 50 },
    );
  });

  it('sparseWidePaired: Σ_d u_d x_d y_d row by row and the gradient of u', () => {
    const problem = fc.integer({ min: 1, max: 5 }).chain((n) => fc.record({ x: rowsOf({ min: n, max: n }), y: rowsOf({ min: n, max: n }), u: weights(dimension), dy: weights(n) }));
    fc.assert(
      fc.property(problem, ({ x, y, u, dy }) => {
        tf.tidy(() => {
          const upstream = tf.tensor1d(dy);
          const plain = (ut: tf.Tensor) => tf.sum(tf.mul(tf.mul(dense(x), dense(y)), ut), 1);
          const ours = (ut: tf.Tensor) => sparseWidePaired(sparseRows(x, dimension), ut as tf.Tensor1D, sparseRows(y, dimension));
          expectClose(read(ours(tf.tensor1d(u))), read(plain(tf.tensor1d(u))));
          expectClose(read(tf.grad(ours)(tf.tensor1d(u), upstream)), read(tf.grad(plain)(tf.tensor1d(u), upstream)));
        });
      }),
      { numRuns: 50 },
    );
  });

  it('name the shapes that do not fit', () => {
    const rows = sparseRows([{ indices: Int32Array.from([1]), values: Float32Array.from([1]) }], 4);
    tf.tidy(() => {
      expect(() => sparseLinear(rows, tf.zeros([5, 2]), tf.zeros([2]))).toThrow(/4 features/);
      expect(() => sparseLinear(rows, tf.zeros([4, 2]), tf.zeros([3]))).toThrow(/bias \[3\]/);
      expect(() => sparseWidePaired(rows, tf.zeros([4]), sparseRows([], 4))).toThrow(/1 rows against 0/);
    });
  });
});
