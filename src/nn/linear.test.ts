import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { glorotUniform, linear, LinearShapeError } from './linear.ts';

beforeAll(async () => {
  await initBackend('wasm');
  // tfjs-core's Node bundle registers no gradients; vitest can load the ESM registrations (they
  // share the engine's global registry), which gives tf's own matMul autodiff to compare with.
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
});

type Matrix = { rows: number; cols: number; data: number[] };

// Plain-JS reference, independent of tf, for the textbook definitions.
function matMul(a: Matrix, b: Matrix): Matrix {
  const data = new Array<number>(a.rows * b.cols).fill(0);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let sum = 0;
      for (let k = 0; k < a.cols; k++) sum += (a.data[i * a.cols + k] as number) * (b.data[k * b.cols + j] as number);
      data[i * b.cols + j] = sum;
    }
  }
  return { rows: a.rows, cols: b.cols, data };
}

function transpose(a: Matrix): Matrix {
  const data = new Array<number>(a.data.length);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) data[j * a.rows + i] = a.data[i * a.cols + j] as number;
  return { rows: a.cols, cols: a.rows, data };
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => expect(Math.abs((actual[i] as number) - value)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(value))));
}

const value = fc.double({ min: -2, max: 2, noNaN: true });
const matrix = (rows: number, cols: number) =>
  fc.array(value, { minLength: rows * cols, maxLength: rows * cols }).map((data): Matrix => ({ rows, cols, data }));
const problem = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([n, inputs, outputs]) =>
    fc.record({ x: matrix(n, inputs), w: matrix(inputs, outputs), b: matrix(1, outputs), dy: matrix(n, outputs) }),
  );

const toTensor = (m: Matrix) => tf.tensor2d(m.data, [m.rows, m.cols]);

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`linear on ${backend}`, () => {
    it('computes x·w + b and the gradients dy·wᵀ, xᵀ·dy, Σdy', async () => {
      await tf.setBackend(backend);
      fc.assert(
        fc.property(problem, ({ x, w, b, dy }) => {
          const [y, dx, dw, db] = tf.tidy(() => {
            const f = (xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) =>
              linear(xt as tf.Tensor2D, wt as tf.Tensor2D, bt as tf.Tensor1D);
            const args = [toTensor(x), toTensor(w), tf.tensor1d(b.data)];
            const { value: out, grads } = tf.valueAndGrads(f)(args, toTensor(dy));
            return [out, ...grads].map((t) => t.dataSync());
          }) as [Float32Array, Float32Array, Float32Array, Float32Array];
          const xw = matMul(x, w);
          expectClose(y, xw.data.map((v, i) => v + (b.data[i % w.cols] as number)));
          expectClose(dx, matMul(dy, transpose(w)).data);
          expectClose(dw, matMul(transpose(x), dy).data);
          expectClose(db, matMul({ rows: 1, cols: dy.rows, data: new Array<number>(dy.rows).fill(1) }, dy).data);
        }),
        { numRuns: 40 },
      );
    });

    it("matches tf.matMul's own autodiff", async () => {
      await tf.setBackend(backend);
      fc.assert(
        fc.property(problem, ({ x, w, b, dy }) => {
          const run = (f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D) =>
            tf.tidy(() => {
              const g = (...args: tf.Tensor[]) => f(args[0] as tf.Tensor2D, args[1] as tf.Tensor2D, args[2] as tf.Tensor1D);
              const { value: out, grads } = tf.valueAndGrads(g)([toTensor(x), toTensor(w), tf.tensor1d(b.data)], toTensor(dy));
              return [out, ...grads].map((t) => Array.from(t.dataSync()));
            });
          const ours = run(linear);
          const reference = run((xt, wt, bt) => tf.add(tf.matMul(xt, wt), bt));
          ours.forEach((values, i) => expectClose(values, reference[i] as number[]));
        }),
        { numRuns: 20 },
      );
    });

    it('works without a bias', async () => {
      await tf.setBackend(backend);
      fc.assert(
        fc.property(problem, ({ x, w, dy }) => {
          const [y, dx, dw] = tf.tidy(() => {
            const f = (xt: tf.Tensor, wt: tf.Tensor) => linear(xt as tf.Tensor2D, wt as tf.Tensor2D);
            const { value: out, grads } = tf.valueAndGrads(f)([toTensor(x), toTensor(w)], toTensor(dy));
            return [out, ...grads].map((t) => t.dataSync());
          }) as [Float32Array, Float32Array, Float32Array];
          expectClose(y, matMul(x, w).data);
          expectClose(dx, matMul(dy, transpose(w)).data);
          expectClose(dw, matMul(transpose(x), dy).data);
        }),
        { numRuns: 20 },
      );
    });

    it('does not leak tensors', async () => {
      await tf.setBackend(backend);
      const x = tf.ones([3, 4]) as tf.Tensor2D;
      const w = tf.ones([4, 2]) as tf.Tensor2D;
      const b = tf.zeros([2]) as tf.Tensor1D;
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        tf.grads((xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) =>
          linear(xt as tf.Tensor2D, wt as tf.Tensor2D, bt as tf.Tensor1D),
        )([x, w, b], tf.ones([3, 2]));
      });
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w, b]);
    });
  });
}

describe('linear shape checks', () => {
  it('rejects mismatched inner dimensions and biases', () => {
    const x = tf.ones([2, 3]) as tf.Tensor2D;
    expect(() => linear(x, tf.ones([4, 2]) as tf.Tensor2D)).toThrow(LinearShapeError);
    expect(() => linear(x, tf.ones([4, 2]) as tf.Tensor2D)).toThrow(/x of shape \[2,3\] by w of shape \[4,2\]/);
    expect(() => linear(x, tf.ones([3, 2]) as tf.Tensor2D, tf.ones([3]) as tf.Tensor1D)).toThrow(/bias of shape \[3\]/);
  });
});

describe('glorotUniform', () => {
  it('stays within ±sqrt(6 / (rows + cols)) and uses the whole range', () => {
    let state = 1;
    const lcg = () => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
    const weights = glorotUniform(30, 20, lcg);
    const limit = Math.sqrt(6 / 50);
    expect(weights).toHaveLength(600);
    expect(Math.max(...weights)).toBeLessThanOrEqual(limit);
    expect(Math.min(...weights)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...weights)).toBeGreaterThan(0.9 * limit);
    expect(Math.min(...weights)).toBeLessThan(-0.9 * limit);
  });

  it('is deterministic given the random source and maps its extremes to the limits', () => {
    expect(Array.from(glorotUniform(1, 2, () => 0))).toEqual([-1, -1].map((s) => Math.fround(s * Math.sqrt(2))));
    const seq = [0.25, 0.75];
    let i = 0;
    const limit = Math.sqrt(6 / 3);
    expect(Array.from(glorotUniform(2, 1, () => seq[i++] as number))).toEqual([Math.fround(-limit / 2), Math.fround(limit / 2)]);
  });

  it('rejects non-positive or fractional shapes', () => {
    expect(() => glorotUniform(0, 3, Math.random)).toThrow(LinearShapeError);
    expect(() => glorotUniform(2.5, 3, Math.random)).toThrow(/\[2.5, 3\]/);
  });
});
