import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../util/rng.ts';
import { initBackend } from './backend.ts';
import { AdamStateError, createAdam } from './adam.ts';
import type { NamedVariable } from './adam.ts';

beforeAll(async () => {
  await initBackend('cpu');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
});

const variables = (): NamedVariable[] => [
  { name: 'a', variable: tf.variable(tf.tensor1d([1, 2])), group: 'lm' },
  { name: 'b', variable: tf.variable(tf.tensor1d([3])), group: 'heads' },
];
const gradients = (named: NamedVariable[], a: number[], b: number[]) => ({
  [(named[0] as NamedVariable).variable.name]: tf.tensor1d(a),
  [(named[1] as NamedVariable).variable.name]: tf.tensor1d(b),
});
const values = (named: NamedVariable[]) => named.map(({ variable }) => Array.from(variable.dataSync()));

describe('Adam with state', () => {
  it('returns each group’s gradient norm and clips the groups apart', () => {
    const named = variables();
    const adam = createAdam(named, { learningRate: 0.1, clipNorm: 1 });
    expect(adam.apply(gradients(named, [3, 4], [0.5]))).toEqual({ lm: 5, heads: 0.5 });
    // Second step: m and v remember the clipped first gradient [0.6, 0.8] (not [3, 4]).
    const { moments, step } = adam.state();
    expect(step).toBe(1);
    expect(Array.from(moments.get('a')?.m ?? [])).toEqual([expect.closeTo(0.06, 6), expect.closeTo(0.08, 6)]);
    expect(Array.from(moments.get('b')?.m ?? [])).toEqual([expect.closeTo(0.05, 6)]);
    // The first Adam step moves each weight by the learning rate, whatever the gradient's scale.
    const [a, b] = values(named);
    expect(a).toEqual([expect.closeTo(0.9, 5), expect.closeTo(1.9, 5)]);
    expect(b).toEqual([expect.closeTo(2.9, 5)]);
  });

  it('continues from a saved state exactly as the original does', () => {
    const original = variables();
    const adam = createAdam(original, { learningRate: 0.05, clipNorm: 1 });
    adam.apply(gradients(original, [1, -2], [0.3]));
    const saved = adam.state();
    const copy = variables();
    copy.forEach(({ variable }, index) => variable.assign((original[index] as NamedVariable).variable));
    const resumed = createAdam(copy, { learningRate: 0.05, clipNorm: 1 }, saved);
    adam.apply(gradients(original, [0.5, 0.1], [-2]));
    resumed.apply(gradients(copy, [0.5, 0.1], [-2]));
    expect(values(copy)).toEqual(values(original));
    expect(() => createAdam([{ name: 'a', variable: tf.variable(tf.zeros([3])) }], { learningRate: 0.1 }, saved)).toThrow(AdamStateError);
  });
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

describe('createAdam against tf.train.adam', () => {
  it('follows tf.train.adam step for step', () => {
    const { loss } = problem();
    const ours = [tf.variable(tf.tensor2d(randomValues(3, 3), [3, 1])), tf.variable(tf.tensor1d([0.5]))] as const;
    const theirs = [tf.variable(ours[0].clone()), tf.variable(ours[1].clone())] as const;
    const adam = createAdam(ours.map((variable, index) => ({ name: `v${index}`, variable })), { learningRate: 0.05 });
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
    const adam = createAdam([{ name: 'moved', variable: moved }, { name: 'idle', variable: idle }], { learningRate: 0.1 });
    adam.apply({ [moved.name]: tf.tensor1d([1, -1]) });
    expect(Array.from(idle.dataSync())).toEqual([3, 4]);
    // the first Adam step moves each coordinate by lr against the sign of its gradient
    const after = Array.from(moved.dataSync());
    expect(after[0]).toBeCloseTo(0.9, 5);
    expect(after[1]).toBeCloseTo(2.1, 5);
  });
});
