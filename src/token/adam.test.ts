import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../rl/backend.ts';
import { AdamStateError, createAdam } from './adam.ts';
import type { NamedVariable } from './adam.ts';

beforeAll(async () => {
  await initBackend('cpu');
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
