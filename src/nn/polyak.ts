/**
 * The Polyak update of target copies, in one pass over plain arrays per pair: on WASM a handful
 * of small kernels per variable cost more than the arithmetic.
 *
 * @example
 * polyakAverage([{ target, online }], 0.005); // target ← 0.995·target + 0.005·online
 */
import type * as tf from '@tensorflow/tfjs-core';
import { readValues, replaceValues } from './variable-values.ts';

/** target ← (1 − ρ)·target + ρ·online for each pair. */
export const polyakAverage = (pairs: readonly { target: tf.Variable; online: tf.Variable }[], rate: number): void => {
  for (const { target, online } of pairs) {
    replaceValues(target, (current, next) => {
      const fresh = readValues(online);
      for (let j = 0; j < next.length; j += 1) next[j] = (1 - rate) * (current[j] as number) + rate * (fresh[j] as number);
    });
  }
};
