/**
 * The Polyak update of target copies, in one pass over plain arrays per pair: on WASM a handful
 * of small kernels per variable cost more than the arithmetic.
 *
 * @example
 * polyakAverage([{ target, online }], 0.005); // target ← 0.995·target + 0.005·online
 */
import * as tf from '@tensorflow/tfjs-core';

/** A variable's values as a private copy (the cpu backend's dataSync hands out its own storage). */
export const copyValues = (tensor: tf.Tensor): Float32Array => (tensor.dataSync() as Float32Array).slice();

/** Replaces a variable's values with `values`, of its own size. */
export const assignValues = (variable: tf.Variable, values: Float32Array): void => {
  const next = tf.tensor(values, variable.shape, 'float32');
  variable.assign(next);
  next.dispose();
};

/** target ← (1 − ρ)·target + ρ·online for each pair. */
export const polyakAverage = (pairs: readonly { target: tf.Variable; online: tf.Variable }[], rate: number): void => {
  for (const { target, online } of pairs) {
    const mixed = copyValues(target);
    const fresh = online.dataSync();
    for (let j = 0; j < mixed.length; j += 1) mixed[j] = (1 - rate) * (mixed[j] as number) + rate * (fresh[j] as number);
    assignValues(target, mixed);
  }
};
