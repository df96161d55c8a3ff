import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../util/rng.ts';
import { initBackend } from './backend.ts';
import { createFlatAdam, polyakAverage } from './flat-adam.ts';

beforeAll(async () => {
  await initBackend('wasm');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
});

const randomValues = (size: number, seed: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: size }, () => rng.next() * 2 - 1);
};

/** A small least-squares problem over two variables of different shapes. */
const problem = () => {
  const x = tf.tensor2d(randomValues(12, 1), [4, 3]);
  const y = tf.tensor1d(randomValues(4, 2));
  const loss = (w: tf.Variable, b: tf.Variable) => () => tf.mean(tf.square(tf.sub(tf.add(tf.reshape(tf.matMul(x, w), [-1]), b), y))) as tf.Scalar;
  return { x, y, loss };
};

describe('createFlatAdam', () => {
  it('follows tf.train.adam step for step', () => {
    const { loss } = problem();
    const ours = [tf.variable(tf.tensor2d(randomValues(3, 3), [3, 1])), tf.variable(tf.tensor1d([0.5]))] as const;
    const theirs = [tf.variable(ours[0].clone()), tf.variable(ours[1].clone())] as const;
    const adam = createFlatAdam(ours, { learningRate: 0.05 });
    const reference = tf.train.adam(0.05);
    for (let step = 0; step < 25; step += 1) {
      const { value, grads } = tf.variableGrads(loss(...ours), [...ours]);
      adam.apply(grads);
      tf.dispose([value, ...Object.values(grads)]);
      reference.minimize(loss(...theirs), false, [...theirs]);
    }
    for (const [mine, reference_] of [[ours[0], theirs[0]], [ours[1], theirs[1]]] as const) {
      const a = mine.dataSync();
      const b = reference_.dataSync();
      // float32 kernels against double-precision JS: agreement to 1e-4 after 25 steps
      a.forEach((value, i) => expect(value).toBeCloseTo(b[i] as number, 4));
    }
    // and it did move: 25 steps of 0.05 cannot leave the start untouched
    expect(Math.abs((ours[1].dataSync()[0] as number) - 0.5)).toBeGreaterThan(0.05);
  });

  it('leaves a variable without a gradient where it is', () => {
    const moved = tf.variable(tf.tensor1d([1, 2]));
    const idle = tf.variable(tf.tensor1d([3, 4]));
    const adam = createFlatAdam([moved, idle], { learningRate: 0.1 });
    adam.apply({ [moved.name]: tf.tensor1d([1, -1]) });
    expect(Array.from(idle.dataSync())).toEqual([3, 4]);
    // the first Adam step moves each coordinate by lr against the sign of its gradient
    const after = Array.from(moved.dataSync());
    expect(after[0]).toBeCloseTo(0.9, 5);
    expect(after[1]).toBeCloseTo(2.1, 5);
  });
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
