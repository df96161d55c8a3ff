/**
 * The ILQL losses (Snell et al., 2022) on plain tensors, so each can be checked by hand:
 * expectile regression of V toward the target Q, TD regression of Q toward r + γV(s′), a
 * conservative term that lowers Q on actions the data did not take, and the cross-entropy of
 * the behaviour model.
 *
 * @example
 * expectileLoss(tf.tensor1d([1, -1]), 0.7) // → (0.7·1 + 0.3·1) / 2 = 0.5
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * The identity whose gradient is zero: tfjs has no stopGradient op. The operations that made `x`
 * still run their backward (with a zero gradient); for a value computed only to be read without
 * a gradient, `withoutGradient` below keeps them off the tape.
 */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]) as <T extends tf.Tensor>(x: T) => T;

/**
 * `compute(x)` as an op whose gradient is zero and whose own operations stay off the gradient
 * tape. `stopGradient(compute(x))` is not the same: tfjs still runs the backward of every
 * operation inside `compute`, with a zero upstream gradient, and 0·∞ there is NaN (a softmax
 * whose denominator underflows divides by it squared). Running `compute` inside the custom op's
 * forward keeps its operations off the tape, which also skips their backward work.
 */
export const withoutGradient = <T extends tf.Tensor>(compute: (x: tf.Tensor) => T): ((x: tf.Tensor) => T) =>
  tf.customGrad(((x: tf.Tensor) => ({ value: compute(x), gradFunc: () => tf.zerosLike(x) })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => T;

/**
 * log Σ_j exp(x_ij) for each row, with its gradient written as the softmax. tf.logSumExp's own
 * gradient goes through the gradient of max, a broadcast Equal that the WASM backend runs on a
 * slow path (1.2 ms for a [128, 85] batch, a twentieth of a whole training step).
 */
export const logSumExpRows = tf.customGrad(((x: tf.Tensor2D, save: tf.GradSaveFunc) => {
  const lse = tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, tf.max(x, 1, true))), 1)), tf.max(x, 1)) as tf.Tensor1D;
  save([x, lse]);
  return {
    value: lse,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, total] = saved as [tf.Tensor2D, tf.Tensor1D];
      return tf.mul(tf.reshape(dy, [-1, 1]), tf.exp(tf.sub(input, tf.reshape(total, [-1, 1]))));
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D) => tf.Tensor1D;

/** mean(|τ − 1[u < 0]| · u²): with τ > 0.5, V leans toward the upper expectile of Q. */
export const expectileLoss = (difference: tf.Tensor1D, tau: number): tf.Scalar =>
  tf.tidy(() => {
    // step(−u) is 1 where u < 0, with a zero gradient (comparisons have none in tfjs).
    const weight = tf.add(tau, tf.mul(1 - 2 * tau, tf.step(tf.neg(difference))));
    return tf.mean(tf.mul(weight, tf.square(difference)));
  });

/** r + γ·(1 − done)·V(s′), treated as a constant. */
export const tdTarget = (reward: tf.Tensor1D, done: tf.Tensor1D, nextValue: tf.Tensor1D, gamma: number): tf.Tensor1D =>
  tf.tidy(() => stopGradient(tf.add(reward, tf.mul(tf.mul(tf.sub(1, done), gamma), nextValue)) as tf.Tensor1D));

/** (1 − λ)·(r + γV(s′)) + λ·G: ILQL's one-step target mixed with the dialogue's own return-to-go. */
export const mixReturns = (td: tf.Tensor1D, returns: tf.Tensor1D, mix: number): tf.Tensor1D => (mix === 0 ? td : (tf.add(tf.mul(td, 1 - mix), tf.mul(returns, mix)) as tf.Tensor1D));

export const squaredError = (prediction: tf.Tensor1D, target: tf.Tensor1D): tf.Scalar =>
  tf.tidy(() => tf.mean(tf.square(tf.sub(prediction, target))));

/**
 * CQL over a candidate set: mean(logsumexp(Q(s, ·)) − Q(s, a)), where `candidates` holds
 * Q(s, a) and Q of the other candidate actions for each state (the taken one included).
 */
export const conservativeLoss = (taken: tf.Tensor1D, candidates: tf.Tensor2D): tf.Scalar =>
  tf.tidy(() => tf.mean(tf.sub(logSumExpRows(candidates), taken)));

/**
 * Mean cross-entropy of softmax(logits) against integer labels; with `weights`, the weighted mean
 * Σ w_i·ce_i / Σ w_i (rows of weight 0 do not count; all-zero weights give 0).
 */
export const crossEntropy = (logits: tf.Tensor2D, labels: Int32Array, weights?: Float32Array): tf.Scalar =>
  tf.tidy(() => {
    // oneHot then cast: oneHot with a float dtype is wrong on the WASM backend.
    const target = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]), 'float32');
    const picked = tf.sum(tf.mul(logits, target), 1);
    const each = tf.sub(logSumExpRows(logits), picked);
    if (weights === undefined) return tf.mean(each);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    return tf.div(tf.sum(tf.mul(each, tf.tensor1d(weights))), Math.max(total, 1e-9)) as tf.Scalar;
  });
