import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { createHashedEmbedder } from '../embed/hashed.ts';
import { beliefLoss, beliefTargets, personaFields } from './belief.ts';
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
  });
});

describe('beliefLoss', () => {
  it('is log V for flat logits, and falls as the logits learn which row holds which persona', () => {
    const targets = beliefTargets([{ item: 'a' }, { item: 'b' }, { item: 'c' }, { item: 'd' }]);
    const rows = [0, 1, 2, 3];
    const flat = tf.zeros([4, 4]) as tf.Tensor2D;
    expect(scalar(beliefLoss(flat, rows, targets))).toBeCloseTo(Math.log(4), 5);
    const logits = tf.variable(tf.randomNormal([4, 4], 0, 0.1, 'float32', 1)) as tf.Variable<tf.Rank.R2>;
    const before = scalar(beliefLoss(logits, rows, targets));
    const optimizer = tf.train.adam(0.1);
    for (let step = 0; step < 100; step += 1) optimizer.minimize(() => beliefLoss(logits, rows, targets), false, [logits]);
    const after = scalar(beliefLoss(logits, rows, targets));
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThan(0.05);
    tf.dispose([flat, logits]);
  });

  it('averages the fields, each over its own slice of the logits', () => {
    const targets = beliefTargets([{ item: 'a', size: 'big' }, { item: 'b', size: 'small' }]);
    // Columns: item a, item b | size big, size small. Row 0 is sure and right on both fields;
    // row 1 is sure of its item and flat on its size.
    const logits = tf.tensor2d([[20, 0, 20, 0], [0, 20, 0, 0]]);
    expect(scalar(beliefLoss(logits, [0, 1], targets))).toBeCloseTo(Math.log(2) / 4, 4);
    logits.dispose();
  });

  it('ignores rows whose persona lacks the field', () => {
    const targets = beliefTargets([{ item: 'a' }, { item: 'b' }, {}]);
    const logits = tf.tensor2d([[1, 0], [0, 1], [5, -5]]);
    const withMissing = scalar(beliefLoss(logits, [0, 1, 2], targets));
    const present = tf.slice(logits, [0, 0], [2, 2]) as tf.Tensor2D;
    const without = scalar(beliefLoss(present, [0, 1], targets));
    expect(withMissing).toBeCloseTo(without, 5);
    tf.dispose([logits, present]);
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
