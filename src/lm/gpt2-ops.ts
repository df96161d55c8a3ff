/**
 * The elementwise and output operations of GPT-2, written for the WASM backend's fast paths
 * (measured on these machines, TensorFlow.js 4.22 WASM, one core):
 * - GELU as x·σ(2z) rather than ½x(1 + tanh z): the same function, but WASM's tanh runs ~12×
 *   slower than its sigmoid (5.2 ms vs 0.42 ms on 512×512), and a hand-written gradient
 *   replaces a chain of small autodiff ops.
 * - Tied-embedding logits h·wteᵀ with explicit transposes: a transposeB matMul runs at ~2 GFLOP/s,
 *   a plain one at ~20 (512×128 · 128×2048: 143 ms vs 20 ms including the transpose).
 * - Cross-entropy from the Softmax kernel: on 504×2048 logits, softmax takes 3 ms, but exp 11 ms,
 *   log 19 ms and logSoftmax 13 ms (plus an exp in its gradient).
 *
 * @example
 * const logits = tiedLogits(hidden2d, params.get('wte.weight')!); // [N, vocab]
 */
import * as tf from '@tensorflow/tfjs-core';

type GradArgs = (tf.Tensor | tf.GradSaveFunc)[];

const GELU_A = 0.044715;
// 2·√(2/π): ½(1 + tanh z) = σ(2z).
const GELU_C = 2 * Math.sqrt(2 / Math.PI);

/** GPT-2's tanh-approximate GELU ("gelu_new"), with a hand-written gradient. */
export const gelu = tf.customGrad((...args: GradArgs) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const s = tf.sigmoid(tf.mul(tf.add(x, tf.mul(GELU_A, tf.mul(x, tf.square(x)))), GELU_C));
  save([x, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, ss] = saved as [tf.Tensor, tf.Tensor];
      // d/dx x·σ(u) = σ + x·σ(1−σ)·u', with u' = C(1 + 3A x²).
      const du = tf.mul(GELU_C, tf.add(1, tf.mul(3 * GELU_A, tf.square(sx))));
      const local = tf.add(ss, tf.mul(tf.mul(sx, tf.mul(ss, tf.sub(1, ss))), du));
      return [tf.mul(dy, local)];
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** Layer norm over the last axis of x [N, d] with gain and bias [d]. */
export function layerNorm(x: tf.Tensor2D, gain: tf.Tensor, bias: tf.Tensor, epsilon: number): tf.Tensor2D {
  const centred = tf.sub(x, tf.mean(x, 1, true));
  const variance = tf.mean(tf.square(centred), 1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), gain), bias) as tf.Tensor2D;
}

/**
 * Which transpose the embedding gradient wteᵀ-side product should pay for: transposing dy [N, V]
 * or the product [d, V]. Measured: N 512, d 128, V 2048: transpose(hᵀ·dy) 10 ms vs dyᵀ·h 16 ms;
 * N 512, d 768, V 50257: 2.9 s vs 1.7 s. So transpose the smaller of the two.
 */
const embeddingGradient = (dy: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D =>
  h.shape[0] <= h.shape[1] ? tf.matMul(tf.transpose(dy), h) : (tf.transpose(tf.matMul(tf.transpose(h), dy)) as tf.Tensor2D);

const tied = tf.customGrad((...args: GradArgs) => {
  const [h, wte, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([h, wte]);
  return {
    value: tf.matMul(h, tf.transpose(wte)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sh, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, sw), embeddingGradient(d, sh)];
    },
  };
});

/**
 * logits = h·wteᵀ for h [N, d], wte [V, d]: differentiable with respect to both. Pass
 * `transposed` (wteᵀ [d, V], see `transposeEmbedding`) when decoding token by token with fixed
 * weights: transposing GPT-2 small's 50257×768 table costs 0.2–0.5 s, the product for one row
 * 6 ms. With `transposed`, gradients flow to that copy, not to wte.
 */
export function tiedLogits(h: tf.Tensor2D, wte: tf.Tensor2D, transposed?: tf.Tensor2D): tf.Tensor2D {
  if (transposed !== undefined) return tf.matMul(h, transposed);
  return tied(h, wte) as tf.Tensor2D;
}

/**
 * Per-row cross-entropy −log softmax(logits)[target] for logits [N, V] and one target per row,
 * with gradient softmax − onehot. The log-normaliser comes from the softmax itself: the largest
 * logit's probability is exactly 1/Σexp(z − max), so loss = max − z_target − log(max p), exact even
 * when the target's probability underflows to 0.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: Int32Array): tf.Tensor1D {
  const [rows, vocab] = logits.shape;
  const flat = targets.map((target, row) => row * vocab + target);
  // Index tensors are made where they are used: tensors created in the forward pass but not
  // saved are disposed before the backward pass runs.
  const op = tf.customGrad((...args: GradArgs) => {
    const [z, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const p = tf.softmax(z);
    save([p]);
    const zTarget = tf.gather(tf.reshape(z, [-1]), tf.tensor1d(flat, 'int32'));
    return {
      value: tf.sub(tf.sub(tf.max(z, 1), zTarget), tf.log(tf.max(p, 1))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sp] = saved as [tf.Tensor2D];
        const spread = tf.mul(sp, tf.reshape(dy, [rows, 1]));
        // Subtract dy at each row's target: a scatter, instead of building a one-hot [N, V].
        const atTargets = tf.reshape(tf.scatterND(tf.tensor2d(flat, [rows, 1], 'int32'), dy, [rows * vocab]), [rows, vocab]);
        return [tf.sub(spread, atTargets)];
      },
    };
  });
  return op(logits) as tf.Tensor1D;
}
