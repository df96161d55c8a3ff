import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.ts';
import { conservativeLoss, crossEntropy, expectileLoss, logSumExpRows, squaredError, stopGradient, tdTarget, withoutGradient } from './losses.ts';
import { closeTo, scalar, values } from '../../test/support/tensor-values.ts';

beforeAll(async () => {
  await initBackend('cpu');
});


describe('backend', () => {
  it('runs on cpu', () => {
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('expectileLoss', () => {
  it('weights positive differences by τ and negative ones by 1 − τ', () => {
    expect(scalar(expectileLoss(tf.tensor1d([1, -2]), 0.7))).toBeCloseTo((0.7 * 1 + 0.3 * 4) / 2, 6);
    expect(scalar(expectileLoss(tf.tensor1d([1, -1]), 0.7))).toBeCloseTo(0.5, 6);
  });

  it('is half the squared error at τ = 0.5', () => {
    expect(scalar(expectileLoss(tf.tensor1d([3, -1, 0]), 0.5))).toBeCloseTo((0.5 * 9 + 0.5 * 1) / 3, 6);
  });

  it('gradient is 2|τ − 1[u < 0]|·u / n', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }).filter((u) => Math.abs(u) > 1e-3), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (us, tau) => {
          const gradient = tf.grad((u: tf.Tensor) => expectileLoss(u as tf.Tensor1D, tau));
          const input = tf.tensor1d(us);
          const actual = values(gradient(input));
          input.dispose();
          const n = us.length;
          closeTo(
            actual,
            us.map((u) => (2 * Math.abs(tau - (u < 0 ? 1 : 0)) * u) / n),
            4,
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('gradient on [1, -2] at τ = 0.7 is [0.7, -0.6]', () => {
    const gradient = tf.grad((u: tf.Tensor) => expectileLoss(u as tf.Tensor1D, 0.7));
    closeTo(values(gradient(tf.tensor1d([1, -2]))), [(2 * 0.7 * 1) / 2, (2 * 0.3 * -2) / 2]);
  });
});

describe('tdTarget', () => {
  it('r + γ(1 − done)V′', () => {
    closeTo(values(tdTarget(tf.tensor1d([0, 1]), tf.tensor1d([0, 1]), tf.tensor1d([0.5, 9]), 0.9)), [0.45, 1]);
  });

  it('is a constant: no gradient reaches the next value', () => {
    const reward = tf.tensor1d([0, 1]);
    const done = tf.tensor1d([0, 0]);
    const gradient = tf.grad((next: tf.Tensor) => tf.sum(tdTarget(reward, done, next as tf.Tensor1D, 0.9)));
    closeTo(values(gradient(tf.tensor1d([0.5, 9]))), [0, 0]);
  });
});

describe('squaredError', () => {
  it('is the mean squared difference', () => {
    expect(scalar(squaredError(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 0, 6])))).toBeCloseTo((0 + 4 + 9) / 3, 6);
  });

  it('gradient w.r.t. the prediction is 2(p − t)/n', () => {
    const target = tf.tensor1d([1, 0, 6]);
    const gradient = tf.grad((p: tf.Tensor) => squaredError(p as tf.Tensor1D, target));
    closeTo(values(gradient(tf.tensor1d([1, 2, 3]))), [0, 4 / 3, -6 / 3]);
  });
});

describe('conservativeLoss', () => {
  it('is logsumexp(candidates) − Q(taken)', () => {
    expect(scalar(conservativeLoss(tf.tensor1d([1]), tf.tensor2d([[1, 0, 0]])))).toBeCloseTo(Math.log(Math.E + 2) - 1, 5);
  });

  it('averages over states', () => {
    const expected = (Math.log(Math.E + 2) - 1 + (Math.log(2 * Math.exp(3)) - 3)) / 2;
    expect(scalar(conservativeLoss(tf.tensor1d([1, 3]), tf.tensor2d([[1, 0, 0], [3, 3, -Infinity]])))).toBeCloseTo(expected, 5);
  });

  it('pushes the taken Q up and the others down', () => {
    const candidates = tf.tensor2d([[1, 0, 0]]);
    const gradient = tf.grad((c: tf.Tensor) => conservativeLoss(tf.tensor1d([1]), c as tf.Tensor2D));
    const z = Math.E + 2;
    // d/dc logsumexp = softmax; the taken value is passed separately, so it is not differentiated here.
    closeTo(values(gradient(candidates)), [Math.E / z, 1 / z, 1 / z]);
  });
});

describe('crossEntropy', () => {
  it('is log(1 + e^−2) for logits [2, 0] and label 0', () => {
    expect(scalar(crossEntropy(tf.tensor2d([[2, 0]]), Int32Array.from([0])))).toBeCloseTo(Math.log(1 + Math.exp(-2)), 5);
  });

  it('is log(1 + e^2) for label 1, and the mean over rows', () => {
    const loss = scalar(crossEntropy(tf.tensor2d([[2, 0], [0, 0]]), Int32Array.from([1, 0])));
    expect(loss).toBeCloseTo((Math.log(1 + Math.exp(2)) + Math.log(2)) / 2, 5);
  });

  it('gradient is (softmax − onehot) / n', () => {
    const gradient = tf.grad((logits: tf.Tensor) => crossEntropy(logits as tf.Tensor2D, Int32Array.from([0])));
    const p = 1 / (1 + Math.exp(-2));
    closeTo(values(gradient(tf.tensor2d([[2, 0]]))), [p - 1, 1 - p]);
  });
});

describe('logSumExpRows', () => {
  it('matches tf.logSumExp and its softmax gradient, also for logits far from zero', () => {
    const row = fc.array(fc.double({ min: -200, max: 200, noNaN: true }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 1000 }), (rows, seed) => {
        const width = rows[0]?.length ?? 1;
        const x = rows.map((r) => Array.from({ length: width }, (_, j) => r[j % r.length] ?? 0));
        const dy = x.map((_, i) => ((seed + i) % 5) - 2);
        const input = tf.tensor2d(x);
        const upstream = tf.tensor1d(dy);
        closeTo(values(logSumExpRows(input)), values(tf.logSumExp(input, 1)), 3);
        const ours = tf.grad((t: tf.Tensor) => logSumExpRows(t as tf.Tensor2D))(input, upstream);
        const theirs = tf.grad((t: tf.Tensor) => tf.logSumExp(t, 1))(input, upstream);
        closeTo(values(ours), values(theirs), 4);
        tf.dispose([input, upstream]);
      }),
      { numRuns: 60 },
    );
  });

  it('is log 2 + 1000 for the row [1000, 1000]', () => {
    expect(scalar(logSumExpRows(tf.tensor2d([[1000, 1000]])))).toBeCloseTo(1000 + Math.log(2), 3);
  });
});

describe('withoutGradient', () => {
  const ratio = withoutGradient((x) => tf.div(tf.mul(x, 2), tf.add(tf.mul(x, 0), 1e-30)));

  it('returns what the computation returns', () => {
    const x = tf.tensor1d([1e-30, 0]);
    closeTo(values(ratio(x)), [2, 0]);
    x.dispose();
  });

  it('gives a zero gradient, even where the computation’s own backward would be 0·∞', () => {
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(ratio(x)));
    closeTo(values(gradient(tf.tensor1d([0, 1]))), [0, 0]);
    const stopped = tf.grad((x: tf.Tensor) => tf.sum(stopGradient(tf.div(tf.mul(x, 2), tf.add(tf.mul(x, 0), 1e-30)))));
    expect(values(stopped(tf.tensor1d([0, 1]))).some(Number.isNaN)).toBe(true);
  });
});

describe('stopGradient', () => {
  it('returns the input’s values and shape', () => {
    const x = tf.tensor2d([
      [1, -2],
      [3.5, 0],
    ]);
    const y = stopGradient(x);
    expect(y.shape).toEqual([2, 2]);
    closeTo(values(y), [1, -2, 3.5, 0]);
    x.dispose();
  });

  it('has a zero gradient', () => {
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(stopGradient(x), 3)));
    closeTo(values(gradient(tf.tensor1d([1, 2, 3]))), [0, 0, 0]);
  });

  it('blocks only the path through it: d/dx sum(x · sg(x)) = x', () => {
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, stopGradient(x))));
    closeTo(values(gradient(tf.tensor1d([1, -2, 3]))), [1, -2, 3]);
  });
});
