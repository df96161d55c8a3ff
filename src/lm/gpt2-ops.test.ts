import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.ts';
import { gelu, layerNorm, softmaxCrossEntropy, tiedLogits } from './gpt2-ops.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const close = (actual: tf.Tensor, expected: tf.Tensor, tolerance: number) => {
  const a = actual.dataSync();
  const e = expected.dataSync();
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (e[i] as number)));
  expect(worst).toBeLessThan(tolerance);
};

// The textbook formulas, differentiated by tf's own autodiff, as references.
const geluTanh = (x: tf.Tensor) => tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));

describe('gelu', () => {
  it('equals the tanh formula and has its gradient', () => {
    tf.tidy(() => {
      const x = tf.linspace(-6, 6, 241);
      close(gelu(x), geluTanh(x), 1e-5);
      close(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(gelu(v), tf.sin(v))))(x), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(geluTanh(v), tf.sin(v))))(x), 1e-4);
    });
  });
});

describe('layerNorm', () => {
  it('normalises each row to mean 0 and variance 1 before gain and bias', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, 2, 3, 4], [10, 10, 10, 14]]);
      const y = layerNorm(x, tf.ones([4]), tf.zeros([4]), 1e-5).arraySync();
      for (const row of y) {
        const mean = row.reduce((a, b) => a + b, 0) / 4;
        const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
        expect(mean).toBeCloseTo(0, 5);
        expect(variance).toBeCloseTo(1, 3);
      }
      const scaled = layerNorm(x, tf.fill([4], 2), tf.fill([4], 0.5), 1e-5);
      close(scaled, tf.add(tf.mul(layerNorm(x, tf.ones([4]), tf.zeros([4]), 1e-5), 2), 0.5), 1e-5);
    });
  });
});

describe('tiedLogits', () => {
  for (const [rows, d, vocab] of [[6, 4, 9], [3, 8, 5]] as const) {
    it(`matches h·wteᵀ and its gradients for N=${rows}, d=${d} (both transpose orders)`, () => {
      tf.tidy(() => {
        const h = tf.randomNormal([rows, d], 0, 1, 'float32', 1) as tf.Tensor2D;
        const wte = tf.randomNormal([vocab, d], 0, 1, 'float32', 2) as tf.Tensor2D;
        const weight = tf.randomNormal([rows, vocab], 0, 1, 'float32', 3);
        close(tiedLogits(h, wte), tf.matMul(h, wte, false, true), 1e-5);
        const ours = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tiedLogits(a as tf.Tensor2D, b as tf.Tensor2D), weight)))([h, wte]);
        const reference = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, true), weight)))([h, wte]);
        close(ours[0] as tf.Tensor, reference[0] as tf.Tensor, 1e-4);
        close(ours[1] as tf.Tensor, reference[1] as tf.Tensor, 1e-4);
        close(tiedLogits(h, wte, tf.transpose(wte)), tf.matMul(h, wte, false, true), 1e-5);
      });
    });
  }
});

describe('softmaxCrossEntropy', () => {
  it('equals −logSoftmax at the targets, with the same gradient', () => {
    tf.tidy(() => {
      const logits = tf.mul(tf.randomNormal([5, 7], 0, 1, 'float32', 4), 3) as tf.Tensor2D;
      const targets = Int32Array.of(0, 6, 3, 3, 1);
      const weight = tf.tensor1d([1, 0.5, 2, 0, 1]);
      const reference = (z: tf.Tensor) => {
        const picked = tf.sum(tf.mul(tf.logSoftmax(z), tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), 7), 'float32')), 1);
        return tf.neg(picked);
      };
      close(softmaxCrossEntropy(logits, targets), reference(logits), 1e-5);
      const ours = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(softmaxCrossEntropy(z as tf.Tensor2D, targets), weight)))(logits);
      const theirs = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(reference(z), weight)))(logits);
      close(ours, theirs, 1e-5);
    });
  });

  it('stays finite and exact when the target probability underflows', () => {
    tf.tidy(() => {
      const logits = tf.tensor2d([[0, 200, -10]]);
      const [loss] = softmaxCrossEntropy(logits, Int32Array.of(2)).dataSync();
      expect(loss).toBeCloseTo(210, 3);
    });
  });
});
