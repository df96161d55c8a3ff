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

/** The identity whose gradient is zero: tfjs has no stopGradient op. */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]) as <T extends tf.Tensor>(x: T) => T;

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

export const squaredError = (prediction: tf.Tensor1D, target: tf.Tensor1D): tf.Scalar =>
  tf.tidy(() => tf.mean(tf.square(tf.sub(prediction, target))));

/**
 * CQL over a candidate set: mean(logsumexp(Q(s, ·)) − Q(s, a)), where `candidates` holds
 * Q(s, a) and Q of the other candidate actions for each state (the taken one included).
 */
export const conservativeLoss = (taken: tf.Tensor1D, candidates: tf.Tensor2D): tf.Scalar =>
  tf.tidy(() => tf.mean(tf.sub(tf.logSumExp(candidates, 1), taken)));

/** mean cross-entropy of softmax(logits) against integer labels. */
export const crossEntropy = (logits: tf.Tensor2D, labels: Int32Array): tf.Scalar =>
  tf.tidy(() => {
    // oneHot then cast: oneHot with a float dtype is wrong on the WASM backend.
    const target = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]), 'float32');
    const picked = tf.sum(tf.mul(logits, target), 1);
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), picked));
  });
