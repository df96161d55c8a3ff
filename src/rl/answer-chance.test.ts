import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
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
import { createRng } from '../util/rng.ts';
import { noAnswer } from './answers.ts';
import { prepareTransitions } from './batch.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { encodeActions, initialParameters, policyLogits, qPaired, qValues } from './network.ts';
import { beliefGain } from './parameters.ts';
import type { Parameters } from './parameters.ts';
import { defaultTrainOptions, train } from './train.ts';
import type { TrainedModel } from './train.ts';

/**
 * Half the users do not know the colour: asked about it, they say so, and then only the size
 * question helps. Every user answers the size question.
 */
const conversation = (unsure: 'colour' | 'none', big: boolean): Turn[] => [
  { role: 'user', text: 'Guess my thing.' },
  { role: 'agent', text: 'Is it red?' },
  { role: 'user', text: unsure === 'colour' ? "I'm not sure about that." : 'No, not red.' },
  { role: 'agent', text: 'Is it big?' },
  { role: 'user', text: big ? 'Yes, big.' : 'No, not big.' },
  { role: 'agent', text: big ? 'It is the whale.' : 'It is the mouse.' },
  { role: 'user', text: "That's right!" },
];
const data = (): Dialogue[] =>
  Array.from({ length: 120 }, (_, i) => {
    const unsure = i % 2 === 0 ? 'colour' : 'none';
    const big = Math.floor(i / 2) % 2 === 0;
    return { id: `toy-0-${String(i).padStart(6, '0')}`, task: 'toy', persona: { unsure, thing: big ? 'whale' : 'mouse' }, turns: conversation(unsure, big), reward: 1, success: true, meta: {} };
  });

const embedder = createDialogueEmbedder({ dimension: 64 });
let dir: string;
let model: TrainedModel;

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'reverie-chance-'));
  model = await train(data(), embedder, { ...defaultTrainOptions, algorithm: 'ilql', steps: 300, batchSize: 32, hidden: 8, inputDropout: 0, beliefWeight: 1, answerChance: true, seed: 3 });
}, 120_000);

afterAll(async () => {
  for (const variable of model.parameters.values()) variable.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** P(yes or no | action, v) for every value v, in head order. */
const chancesOf = (parameters: Parameters, text: string): number[] => tf.tidy(() => Array.from(encodeActions(parameters, sparseRows([embedder.embedAction(text)], 64)).chances?.dataSync() ?? []));

describe('the answer-chance model', () => {
  it('labels each utterance by whether the user answered it yes or no, and leaves out the closing line', () => {
    const prepared = prepareTransitions(data().slice(0, 2), embedder, 'all');
    expect(Array.from(prepared.replied)).toEqual([0, 1, noAnswer, 1, 1, noAnswer]);
  });

  it('learns which users cannot answer which question', () => {
    const fields = model.belief ?? [];
    expect(fields.map((field) => field.name)).toEqual(['thing', 'unsure']);
    const unsure = fields[1]?.values ?? [];
    const at = (value: string) => (fields[0]?.values.length ?? 0) + unsure.indexOf(value);
    const red = chancesOf(model.parameters, 'Is it red?');
    const big = chancesOf(model.parameters, 'Is it big?');
    expect(red[at('colour')]).toBeLessThan(0.2);
    expect(red[at('none')]).toBeGreaterThan(0.8);
    expect(big[at('colour')]).toBeGreaterThan(0.8);
  });

  it('adds gain·u·Σ belief(v|s)·P(answer | a, v) to Q, the same for a pair as for the grid', () => {
    const parameters = initialParameters({ inputDimension: 64, hidden: 8, exchanges: true, belief: [2, 2], evidence: true, answerChance: true }, createRng(5));
    const turns = conversation('colour', true).slice(0, 3);
    const texts = ['Is it red?', 'Is it big?'];
    const actions = sparseRows(texts.map((text) => embedder.embedAction(text)), 64);
    const grid = () => tf.tidy(() => Array.from(qValues(parameters, 'q1', encodeConversation(parameters, embedder, turns), encodeActions(parameters, actions)).dataSync()));
    const before = grid();
    parameters.get('belief.b')?.assign(tf.tensor1d([0, 0, 0.3, -0.1]));
    parameters.get('chance.b')?.assign(tf.tensor1d([0.1, -0.2, 0.05, -0.3]));
    parameters.get('q1.chance')?.assign(tf.tensor1d([0.5, -1]));
    const belief = tf.tidy(() => Array.from(encodeConversation(parameters, embedder, turns).belief?.dataSync() ?? []));
    const chances = chancesOf(parameters, 'Is it red?');
    const expected = 0.5 * ((belief[0] ?? NaN) * (chances[0] ?? NaN) + (belief[1] ?? NaN) * (chances[1] ?? NaN)) - ((belief[2] ?? NaN) * (chances[2] ?? NaN) + (belief[3] ?? NaN) * (chances[3] ?? NaN));
    const after = grid();
    expect(after[0]).toBeCloseTo((before[0] ?? NaN) + beliefGain * expected, 4);
    const paired = tf.tidy(() => Array.from(qPaired(parameters, 'q1', encodeConversation(parameters, embedder, turns), encodeActions(parameters, sparseRows([embedder.embedAction('Is it red?')], 64))).dataSync()));
    expect(paired[0]).toBeCloseTo(after[0] ?? NaN, 4);
    for (const variable of parameters.values()) variable.dispose();
  });

  it('is recorded in the checkpoint and reads the same after loading', async () => {
    await saveCheckpoint(join(dir, 'chance'), model, { task: 'toy', taskVersion: 1, embedder: embedder.config });
    const loaded = await loadCheckpoint(join(dir, 'chance'), { task: 'toy' });
    expect(loaded.config.network.answerChance).toBe(true);
    expect(chancesOf(loaded.parameters, 'Is it red?')).toEqual(chancesOf(model.parameters, 'Is it red?'));
    for (const variable of loaded.parameters.values()) variable.dispose();
  });

  it('is read by the prior of every learner, behaviour models too: gain·w·log Σ belief(v|s)·P(answer | a, v)', async () => {
    const bc = await train(data().slice(0, 20), embedder, { ...defaultTrainOptions, algorithm: 'fbc', steps: 3, batchSize: 8, hidden: 8, inputDropout: 0, beliefWeight: 1, answerChance: true, seed: 3 });
    expect(bc.parameters.has('chance.w') && bc.parameters.has('policy.chance')).toBe(true);
    for (const variable of bc.parameters.values()) variable.dispose();
    const parameters = initialParameters({ inputDimension: 64, hidden: 8, exchanges: true, belief: [2, 2], evidence: true, answerChance: true }, createRng(6));
    const turns = conversation('colour', false).slice(0, 3);
    const actions = sparseRows(['Is it red?', 'Is it big?'].map((text) => embedder.embedAction(text)), 64);
    const prior = () => tf.tidy(() => Array.from(policyLogits(parameters, encodeConversation(parameters, embedder, turns), encodeActions(parameters, actions)).dataSync()));
    const before = prior();
    parameters.get('belief.b')?.assign(tf.tensor1d([0, 0, 0.4, -0.2]));
    parameters.get('chance.b')?.assign(tf.tensor1d([0.3, -0.1, -0.5, 0.2]));
    parameters.get('policy.chance')?.assign(tf.tensor1d([0, 0.2]));
    const belief = tf.tidy(() => Array.from(encodeConversation(parameters, embedder, turns).belief?.dataSync() ?? []));
    const chances = chancesOf(parameters, 'Is it red?');
    const unsureChance = (belief[2] ?? NaN) * (chances[2] ?? NaN) + (belief[3] ?? NaN) * (chances[3] ?? NaN);
    expect(prior()[0]).toBeCloseTo((before[0] ?? NaN) + beliefGain * 0.2 * Math.log(unsureChance + 1e-4), 4);
    for (const variable of parameters.values()) variable.dispose();
  });
});
