import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeConversation } from '../agent/value-agent.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { createDialogueEmbedder } from '../embed/dialogue.ts';
import { initBackend } from '../nn/backend.ts';
import { sparseRows } from '../nn/sparse-layers.ts';
import type { Turn } from '../task/types.ts';
import { answerLoss, informationAll, informationPaired, noAnswer, replyAnswer } from './answers.ts';
import { prepareTransitions } from './batch.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { encodeActions, qValues } from './network.ts';
import type { Parameters } from './parameters.ts';
import { defaultTrainOptions, train } from './train.ts';
import type { TrainedModel } from './train.ts';

const ln2 = Math.log(2);
const entropy = (p: number) => (p <= 0 || p >= 1 ? 0 : -p * Math.log(p) - (1 - p) * Math.log(1 - p));

beforeAll(async () => {
  await initBackend('cpu');
});

describe('replyAnswer', () => {
  it('reads a yes or a no from how the reply opens, and nothing from anything else', () => {
    expect(['Yes, in Europe.', 'yes!', '"Yeah."', 'Correct, it is.'].map(replyAnswer)).toEqual([1, 1, 1, 1]);
    expect(['No, not small.', 'Nope.', 'Not at all.'].map(replyAnswer)).toEqual([0, 0, 0]);
    expect(["I'm not sure.", 'Please ask me a yes-or-no question.', '', '...', 'Yesterday, maybe.'].map(replyAnswer)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('answerLoss', () => {
  it('is the mean cross-entropy of σ(logit of the dialogue’s own value) against the reply, over rows with a reply and a value', () => {
    const targets = {
      fields: [
        { name: 'item', values: ['A', 'B'] },
        { name: 'mood', values: ['busy', 'calm', 'odd'] },
      ],
      labels: [Int32Array.from([0, 1, 1, 0]), Int32Array.from([2, -1, 0, 1])],
    };
    const answers = Int8Array.from([1, 0, noAnswer, 1]);
    const logits = [
      [0.5, -1, 2, 0, -0.5],
      [1, -2, 0.3, 0.1, 0],
    ];
    // Rows 3 and 0 of the data, in that order; row 0's reply is yes, row 3's is yes too.
    const loss = tf.tidy(() => answerLoss(tf.tensor2d(logits), [3, 0], targets, answers).dataSync()[0] ?? NaN);
    const bce = (z: number, y: number) => -(y * Math.log(1 / (1 + Math.exp(-z))) + (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-z))));
    // Row 3: item A (logit 0.5), mood calm (logit 0); row 0: item A (logit 1), mood odd (logit 0).
    const expected = (bce(0.5, 1) + bce(0, 1) + bce(1, 1) + bce(0, 1)) / 4;
    expect(loss).toBeCloseTo(expected, 5);
    // A row whose reply was neither yes nor no, or whose value is missing, adds nothing.
    const only = tf.tidy(() => answerLoss(tf.tensor2d([logits[0] as number[]]), [2], targets, answers).dataSync()[0]);
    expect(only).toBe(0);
    const noValue = tf.tidy(() => answerLoss(tf.tensor2d([logits[0] as number[]]), [1], targets, answers).dataSync()[0] ?? NaN);
    // Row 1: a no, to item B (logit −1); its mood is unknown.
    expect(noValue).toBeCloseTo(bce(-1, 0), 5);
  });
});

describe('information', () => {
  const layout = tf.tensor2d([1, 0, 1, 0, 0, 1, 0, 1], [4, 2]);
  afterAll(() => layout.dispose());

  it('is ln 2 for a question that halves the belief, 0 for one whose answer is known or random', () => {
    // Values 0 and 1 make up field 0, values 2 and 3 field 1; the belief is even in both.
    const belief = tf.tensor2d([[0.5, 0.5, 0.5, 0.5]]);
    const answers = tf.tensor2d([
      [0.9, 0.9, 1, 0],
      [1, 0, 0.5, 0.5],
      [1, 1, 1, 1],
    ]);
    const grid = (weights: number[]) => tf.tidy(() => Array.from(informationAll(belief, answers, layout, tf.tensor1d(weights)).dataSync()));
    // The first question halves field 1 and tells nothing of field 0 (yes either way, 90% of the time).
    [ln2, 0, 0].forEach((expected, a) => expect(grid([0, 1])[a]).toBeCloseTo(expected, 4));
    [0, ln2, 0].forEach((expected, a) => expect(grid([1, 0])[a]).toBeCloseTo(expected, 4));
    tf.dispose([belief, answers]);
  });

  it('lies between 0 and ln 2 per field, and a pair’s is its cell of the grid (property)', () => {
    const probability = fc.float({ min: Math.fround(0.001), max: Math.fround(0.999), noNaN: true });
    const distribution = fc.array(fc.float({ min: Math.fround(0.01), max: 1, noNaN: true }), { minLength: 2, maxLength: 2 }).map((xs) => {
      const total = xs.reduce((sum, x) => sum + x, 0);
      return xs.map((x) => x / total);
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(distribution, distribution), { minLength: 1, maxLength: 3 }), fc.array(fc.array(probability, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 3 }), (states, answers) => {
        const belief = states.map(([a, b]) => [...a, ...b]);
        tf.tidy(() => {
          const grid = informationAll(tf.tensor2d(belief), tf.tensor2d(answers), layout, tf.tensor1d([1, 0])).arraySync();
          const second = informationAll(tf.tensor2d(belief), tf.tensor2d(answers), layout, tf.tensor1d([0, 1])).arraySync();
          grid.forEach((row, i) =>
            row.forEach((value, j) => {
              expect(value).toBeGreaterThanOrEqual(-1e-4);
              expect(value).toBeLessThanOrEqual(ln2 + 1e-4);
              const b = belief[i] as number[];
              const p = answers[j] as number[];
              const yes = (b[0] ?? 0) * (p[0] ?? 0) + (b[1] ?? 0) * (p[1] ?? 0);
              expect(value).toBeCloseTo(entropy(yes) - (b[0] ?? 0) * entropy(p[0] ?? 0) - (b[1] ?? 0) * entropy(p[1] ?? 0), 3);
            }),
          );
          const n = Math.min(belief.length, answers.length);
          const paired = informationPaired(tf.tensor2d(belief.slice(0, n)), tf.tensor2d(answers.slice(0, n)), layout, tf.tensor1d([1, 1])).arraySync();
          paired.forEach((value, i) => expect(value).toBeCloseTo((grid[i]?.[i] ?? NaN) + (second[i]?.[i] ?? NaN), 4));
        });
      }),
      { numRuns: 60 },
    );
  });
});

/** The user has A or B in mind; "Is it A?" halves that, "Is it round?" is answered yes by everyone. */
const conversation = (answer: 'A' | 'B', opening: string): Turn[] => [
  { role: 'user', text: 'Guess which one I picked.' },
  { role: 'agent', text: opening },
  { role: 'user', text: opening === 'Is it round?' || answer === 'A' ? 'Yes.' : 'No.' },
  { role: 'agent', text: `It is ${answer}.` },
];
const data = (): Dialogue[] =>
  Array.from({ length: 120 }, (_, i) => {
    const answer = i % 2 === 0 ? 'A' : 'B';
    const opening = Math.floor(i / 2) % 2 === 0 ? 'Is it A?' : 'Is it round?';
    return { id: `toy-0-${String(i).padStart(6, '0')}`, task: 'toy', persona: { answer, mood: i % 3 === 0 ? 'calm' : 'busy' }, turns: conversation(answer, opening), reward: 1, success: true, meta: {} };
  });

describe('an answer model that Q reads', () => {
  const embedder = createDialogueEmbedder({ dimension: 64 });
  let model: TrainedModel;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reverie-answers-'));
    model = await train(data(), embedder, { ...defaultTrainOptions, algorithm: 'ilql', steps: 300, batchSize: 32, hidden: 8, inputDropout: 0, beliefWeight: 1, informationGain: true, seed: 1 });
  }, 120_000);
  afterAll(async () => {
    for (const variable of model.parameters.values()) variable.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('labels each transition with the yes or no its utterance got', () => {
    const prepared = prepareTransitions(data().slice(0, 4), embedder, 'all');
    // Dialogues 0–3: A asked "Is it A?" (yes), B asked it (no), then "Is it round?" (yes, yes); the guesses get no reply.
    expect(Array.from(prepared.answers)).toEqual([1, noAnswer, 0, noAnswer, 1, noAnswer, 1, noAnswer]);
  });

  it('learns P(yes | question, item), and rates the halving question above the one everyone answers alike', () => {
    const library = sparseRows(['Is it A?', 'Is it round?'].map((text) => embedder.embedAction(text)), 64);
    const answers = tf.tidy(() => encodeActions(model.parameters, library).answers?.arraySync() ?? []);
    // Values in head order: answer A, B; mood busy, calm.
    expect(answers[0]?.[0]).toBeGreaterThan(0.9);
    expect(answers[0]?.[1]).toBeLessThan(0.1);
    expect(answers[1]?.[0]).toBeGreaterThan(0.9);
    expect(answers[1]?.[1]).toBeGreaterThan(0.9);
    const start: Turn[] = [{ role: 'user', text: 'Guess which one I picked.' }];
    const information = (parameters: Parameters, turns: readonly Turn[]) =>
      tf.tidy(() => {
        const layout = parameters.get('belief.fields') as tf.Variable as tf.Tensor as tf.Tensor2D;
        const state = encodeConversation(parameters, embedder, turns);
        return informationAll(state.belief as tf.Tensor2D, encodeActions(parameters, library).answers as tf.Tensor2D, layout, tf.tensor1d([1, 0])).arraySync()[0] ?? [];
      });
    const [halving = NaN, alike = NaN] = information(model.parameters, start);
    expect(halving).toBeGreaterThan(0.5);
    expect(alike).toBeLessThan(0.1);
    // Once the user has said yes to A, asking again tells little.
    const [again = NaN] = information(model.parameters, conversation('A', 'Is it A?').slice(0, 3));
    expect(again).toBeLessThan(halving / 2);
  });

  it('adds gain·w·I to Q, keeps it through a checkpoint, and leaves behaviour models without it', async () => {
    expect(model.parameters.get('q1.information')?.shape).toEqual([2]);
    const library = sparseRows(['Is it A?', 'Is it round?'].map((text) => embedder.embedAction(text)), 64);
    const start: Turn[] = [{ role: 'user', text: 'Guess which one I picked.' }];
    const q = (parameters: Parameters) => tf.tidy(() => Array.from(qValues(parameters, 'q1', encodeConversation(parameters, embedder, start), encodeActions(parameters, library)).dataSync()));
    const before = q(model.parameters);
    const weights = model.parameters.get('q1.information') as tf.Variable;
    const kept = weights.clone();
    weights.assign(tf.add(kept, tf.tensor1d([0.1, 0])));
    const after = q(model.parameters);
    const layout = model.parameters.get('belief.fields') as tf.Variable as tf.Tensor as tf.Tensor2D;
    const added = tf.tidy(() => informationAll(encodeConversation(model.parameters, embedder, start).belief as tf.Tensor2D, encodeActions(model.parameters, library).answers as tf.Tensor2D, layout, tf.tensor1d([1, 0])).arraySync()[0] ?? []);
    [0, 1].forEach((a) => expect(after[a]).toBeCloseTo((before[a] ?? NaN) + 10 * 0.1 * (added[a] ?? NaN), 4));
    weights.assign(kept);
    kept.dispose();

    await saveCheckpoint(join(dir, 'ilql'), model, { task: 'toy', taskVersion: 1, embedder: embedder.config });
    const loaded = await loadCheckpoint(join(dir, 'ilql'), { task: 'toy' });
    expect(loaded.config.network.informationGain).toBe(true);
    expect(q(loaded.parameters)).toEqual(q(model.parameters));
    for (const variable of loaded.parameters.values()) variable.dispose();

    const behaviour = await train(data(), embedder, { ...defaultTrainOptions, algorithm: 'fbc', steps: 2, batchSize: 8, hidden: 8, beliefWeight: 1, informationGain: true, seed: 1 });
    expect(behaviour.parameters.has('answer.w')).toBe(false);
    for (const variable of behaviour.parameters.values()) variable.dispose();
  }, 60_000);
});
