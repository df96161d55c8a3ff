/**
 * Reading tensors in tests: each helper disposes the tensor it reads, so a test body can pass
 * the result of an op straight in.
 *
 * @example
 * closeTo(values(tf.add(a, b)), [1, 2]);
 */
import type * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export const scalar = (tensor: tf.Tensor): number => {
  const value = tensor.dataSync()[0];
  tensor.dispose();
  if (value === undefined) throw new Error('empty tensor');
  return value;
};

export const values = (tensor: tf.Tensor): number[] => {
  const out = Array.from(tensor.dataSync());
  tensor.dispose();
  return out;
};

export const closeTo = (actual: readonly number[], expected: readonly number[], digits = 5): void => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index] ?? Number.NaN, digits));
};
