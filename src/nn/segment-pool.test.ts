import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { segmentPool } from './segment-pool.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The dense reading: a [segments, rows] matrix with 1 where a row belongs to a segment (or is its last). */
const poolMatrix = (starts: Int32Array, rows: number, mode: 'sum' | 'last'): tf.Tensor2D => {
  const segments = starts.length - 1;
  const matrix = new Float32Array(segments * rows);
  for (let s = 0; s < segments; s += 1) {
    const from = starts[s] as number;
    const to = starts[s + 1] as number;
    for (let r = mode === 'last' ? Math.max(from, to - 1) : from; r < to; r += 1) matrix[s * rows + r] = 1;
  }
  return tf.tensor2d(matrix, [segments, rows]);
};

/** Segment lengths (some empty) and maybe rows that belong to no segment, as the exchange rows' blank one. */
const layouts = fc.tuple(fc.array(fc.nat({ max: 16 }), { minLength: 1, maxLength: 8 }), fc.nat({ max: 1 }), fc.integer({ min: 1, max: 9 })).map(([lengths, spare, width]) => {
  const starts = Int32Array.from([0, ...lengths.map((_, i) => lengths.slice(0, i + 1).reduce((sum, n) => sum + n, 0))]);
  return { starts, rows: (starts[starts.length - 1] as number) + spare || 1, width };
});

describe('segmentPool', () => {
  it('sums and picks rows as the dense 0/1 product does, to the last bit, forward and backward', () => {
    fc.assert(
      fc.property(layouts, fc.integer(), ({ starts, rows, width }, seed) => {
        for (const mode of ['sum', 'last'] as const) {
          const x = tf.randomNormal([rows, width], 0, 1, 'float32', seed) as tf.Tensor2D;
          const pool = poolMatrix(starts, rows, mode);
          const dy = tf.randomNormal([starts.length - 1, width], 0, 1, 'float32', seed + 1) as tf.Tensor2D;
          const ours = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(segmentPool(input as tf.Tensor2D, starts, mode), dy)));
          const dense = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.matMul(pool, input as tf.Tensor2D), dy)));
          expect(segmentPool(x, starts, mode).dataSync()).toEqual(tf.matMul(pool, x).dataSync());
          expect(ours(x).dataSync()).toEqual(dense(x).dataSync());
          tf.dispose([x, pool, dy]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives a zero row to an empty segment and no gradient to rows outside every segment', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const starts = Int32Array.from([0, 2, 2]);
    expect(Array.from(segmentPool(x, starts, 'sum').dataSync())).toEqual([4, 6, 0, 0]);
    expect(Array.from(segmentPool(x, starts, 'last').dataSync())).toEqual([3, 4, 0, 0]);
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(segmentPool(input as tf.Tensor2D, starts, 'last')))(x);
    expect(Array.from(gradient.dataSync())).toEqual([0, 0, 1, 1, 0, 0]);
  });
});
