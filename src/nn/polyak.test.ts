import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { polyakAverage } from './polyak.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('polyakAverage', () => {
  it('mixes each target toward its online variable at the given rate', () => {
    const target = tf.variable(tf.tensor2d([0, 10, 20, 30], [2, 2]));
    const online = tf.variable(tf.tensor2d([1, 1, 1, 1], [2, 2]));
    polyakAverage([{ target, online }], 0.25);
    expect(Array.from(target.dataSync())).toEqual([0.25, 7.75, 15.25, 22.75]);
    expect(Array.from(online.dataSync())).toEqual([1, 1, 1, 1]);
  });
});
