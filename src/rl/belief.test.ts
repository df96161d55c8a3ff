import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.ts';
import { createRng } from '../util/rng.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { createHashedEmbedder } from '../embed/hashed.ts';
import { beliefLoss, beliefTargets, createBeliefHead, personaFields } from './belief.ts';
import { defaultTrainOptions, train } from './train.ts';
import { scalar } from '../../test/support/tensor-values.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('personaFields', () => {
  it('flattens nested objects by path and arrays into their sorted values', () => {
    const fields = personaFields({ item: 'JPN', unsure: ['currencies', 'area'], knowledge: { rl: 1, math: 2 }, vague: false, note: null });
    expect([...fields]).toEqual([
      ['item', 'JPN'],
      ['unsure', 'area,currencies'],
      ['knowledge.rl', '1'],
      ['knowledge.math', '2'],
      ['vague', 'false'],
    ]);
  });

  it('gives one field per leaf of any flat record', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }).filter((key) => !key.includes('.')), fc.oneof(fc.string(), fc.integer(), fc.boolean())), (record) => {
        const fields = personaFields(record);
        expect(fields.size).toBe(Object.keys(record).length);
        for (const [key, value] of Object.entries(record)) expect(fields.get(key)).toBe(String(value));
      }),
    );
  });
});

describe('beliefTargets', () => {
  it('predicts fields that vary, with −1 where a persona lacks the field', () => {
    const targets = beliefTargets([{ item: 'b', same: 1 }, { item: 'a', same: 1, extra: 'x' }, { item: 'b', same: 1, extra: 'y' }]);
    expect(targets.fields).toEqual([
      { name: 'extra', values: ['x', 'y'] },
      { name: 'item', values: ['a', 'b'] },
    ]);
    expect(targets.labels.map((labels) => [...labels])).toEqual([
      [-1, 0, 1],
      [1, 0, 1],
    ]);
  });

  it('has nothing to predict when every persona is alike', () => {
    const targets = beliefTargets([{ item: 'a' }, { item: 'a' }, {}]);
    expect(targets.fields).toEqual([]);
    expect(createBeliefHead(targets, 4, createRng(1))).toBeUndefined();
  });
});

describe('beliefLoss', () => {
  it('is log V for a zero head, and falls as the head learns which state holds which persona', () => {
    const targets = beliefTargets([{ item: 'a' }, { item: 'b' }, { item: 'c' }, { item: 'd' }]);
    const head = createBeliefHead(targets, 4, createRng(1));
    if (head === undefined) throw new Error('expected a head');
    const states = tf.eye(4) as tf.Tensor2D;
    const rows = [0, 1, 2, 3];
    const zero = { ...head, w: tf.variable(tf.zeros([4, 4])) };
    expect(scalar(beliefLoss(zero, states, rows, targets))).toBeCloseTo(Math.log(4), 5);
    const before = scalar(beliefLoss(head, states, rows, targets));
    const optimizer = tf.train.adam(0.1);
    for (let step = 0; step < 100; step += 1) optimizer.minimize(() => beliefLoss(head, states, rows, targets), false, [head.w, head.b]);
    const after = scalar(beliefLoss(head, states, rows, targets));
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThan(0.05);
    tf.dispose([head.w, head.b, zero.w, states]);
  });

  it('ignores rows whose persona lacks the field', () => {
    const targets = beliefTargets([{ item: 'a' }, { item: 'b' }, {}]);
    const head = createBeliefHead(targets, 2, createRng(2));
    if (head === undefined) throw new Error('expected a head');
    const states = tf.tensor2d([[1, 0], [0, 1], [5, 5]]);
    const withMissing = scalar(beliefLoss(head, states, [0, 1, 2], targets));
    const present = tf.slice(states, [0, 0], [2, 2]) as tf.Tensor2D;
    const without = scalar(beliefLoss(head, present, [0, 1], targets));
    expect(withMissing).toBeCloseTo(without, 5);
    tf.dispose([head.w, head.b, states, present]);
  });
});

describe('training with the belief loss', () => {
  // The user names the fruit they have in mind in their first words: a state that has heard them
  // tells the persona apart, and the belief loss must learn to.
  const dialogues: Dialogue[] = Array.from({ length: 40 }, (_, i) => {
    const fruit = i % 2 === 0 ? 'apple' : 'banana';
    return {
      id: `toy-0-${String(i).padStart(6, '0')}`,
      task: 'toy',
      persona: { fruit },
      turns: [
        { role: 'user', text: `I like ${fruit} a lot.` },
        { role: 'agent', text: 'What else?' },
        { role: 'user', text: 'Nothing.' },
        { role: 'agent', text: `Have an ${fruit}.` },
      ],
      reward: i % 4 < 2 ? 1 : 0,
      success: i % 4 < 2,
      meta: {},
    };
  });

  for (const algorithm of ['fbc', 'ilql'] as const) {
    it(`${algorithm}: reports a belief loss that falls as the encoder learns the persona`, async () => {
      const model = await train(dialogues, createHashedEmbedder({ dimension: 256 }), { ...defaultTrainOptions, algorithm, hidden: 16, steps: 300, batchSize: 32, inputDropout: 0, beliefWeight: 1, seed: 3 });
      const first = model.history[0]?.losses.belief;
      const last = model.history.at(-1)?.losses.belief;
      expect(first).toBeGreaterThan(0);
      expect(last).toBeLessThan((first ?? 0) / 2);
      for (const variable of model.parameters.values()) variable.dispose();
    });
  }

  it('adds no belief loss when its weight is 0', async () => {
    const model = await train(dialogues, createHashedEmbedder({ dimension: 256 }), { ...defaultTrainOptions, algorithm: 'ilql', hidden: 16, steps: 50, batchSize: 32, seed: 3 });
    expect(model.history[0]?.losses.belief).toBeUndefined();
    for (const variable of model.parameters.values()) variable.dispose();
  });
});
