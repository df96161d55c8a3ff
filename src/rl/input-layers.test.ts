import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { inputLinear, wideProduct } from './input-layers.ts';
import { LinearShapeError } from './linear.ts';

beforeAll(async () => {
  await initBackend('wasm');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
});

const value = fc.double({ min: -2, max: 2, noNaN: true });
const values = (length: number) => fc.array(value, { minLength: length, maxLength: length });
const shapes = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 }));

const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>): void => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i += 1) {
    const want = expected[i] as number;
    expect(Math.abs((actual[i] as number) - want)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want)));
  }
};

/** Reads a tensor inside a tidy scope as a plain array (tidy may not return typed arrays). */
const read = (tensor: tf.Tensor): number[] => Array.from(tensor.dataSync());

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`input layers on ${backend}`, () => {
    it('inputLinear matches x·w + b and its weight gradients, and gives the data a zero gradient', async () => {
      await tf.setBackend(backend);
      const problem = shapes.chain(([n, d, h]) => fc.record({ n: fc.constant(n), d: fc.constant(d), h: fc.constant(h), x: values(n * d), w: values(d * h), b: values(h), dy: values(n * h) }));
      fc.assert(
        fc.property(problem, ({ n, d, h, x, w, b, dy }) => {
          tf.tidy(() => {
            const args = [tf.tensor2d(x, [n, d]), tf.tensor2d(w, [d, h]), tf.tensor1d(b)] as const;
            const upstream = tf.tensor2d(dy, [n, h]);
            const ours = tf.grads((xt, wt, bt) => inputLinear(xt as tf.Tensor2D, wt as tf.Tensor2D, bt as tf.Tensor1D))([...args], upstream);
            const plain = tf.grads((xt, wt, bt) => tf.add(tf.matMul(xt as tf.Tensor2D, wt as tf.Tensor2D), bt))([...args], upstream);
            expectClose(read(inputLinear(...args)), read(tf.add(tf.matMul(args[0], args[1]), args[2])));
            expect(read(ours[0] as tf.Tensor).every((g) => g === 0)).toBe(true);
            expectClose(read(ours[1] as tf.Tensor), read(plain[1] as tf.Tensor));
            expectClose(read(ours[2] as tf.Tensor), read(plain[2] as tf.Tensor));
          });
        }),
        { numRuns: 40 },
      );
    });

    it('wideProduct matches (x ⊙ u)·yᵀ and the gradient of u', async () => {
      await tf.setBackend(backend);
      const problem = shapes.chain(([n, d, m]) => fc.record({ n: fc.constant(n), d: fc.constant(d), m: fc.constant(m), x: values(n * d), u: values(d), y: values(m * d), dy: values(n * m) }));
      fc.assert(
        fc.property(problem, ({ n, d, m, x, u, y, dy }) => {
          tf.tidy(() => {
            const xt = tf.tensor2d(x, [n, d]);
            const yt = tf.tensor2d(y, [m, d]);
            const upstream = tf.tensor2d(dy, [n, m]);
            const plain = (ut: tf.Tensor) => tf.matMul(tf.mul(xt, ut) as tf.Tensor2D, yt, false, true);
            expectClose(read(wideProduct(xt, tf.tensor1d(u), yt)), read(plain(tf.tensor1d(u))));
            const ours = tf.grad((ut) => wideProduct(xt, ut as tf.Tensor1D, yt))(tf.tensor1d(u), upstream);
            expectClose(read(ours), read(tf.grad(plain)(tf.tensor1d(u), upstream)));
          });
        }),
        { numRuns: 40 },
      );
    });
  });
}

describe('input layer shapes', () => {
  it('names the shapes that do not fit', () => {
    tf.tidy(() => {
      expect(() => inputLinear(tf.zeros([2, 3]), tf.zeros([4, 2]), tf.zeros([2]))).toThrow(LinearShapeError);
      expect(() => inputLinear(tf.zeros([2, 3]), tf.zeros([3, 2]), tf.zeros([3]))).toThrow(/b \[3\]/);
      expect(() => wideProduct(tf.zeros([2, 3]), tf.zeros([3]), tf.zeros([4, 5]))).toThrow(/y \[4,5\]/);
    });
  });
});
