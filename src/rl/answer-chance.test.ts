import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointAgent } from '../agent/checkpoint-agent.ts';
import { createValueAgent, encodeConversation } from '../agent/value-agent.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { createDialogueEmbedder } from '../embed/dialogue.ts';
import { initBackend } from '../nn/backend.ts';
import { sparseRows } from '../nn/sparse-layers.ts';
import type { Turn } from '../task/types.ts';
import { createRng, hashString } from '../util/rng.ts';
import { noAnswer } from './answers.ts';
import { prepareTransitions } from './batch.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { encodeActions, initialParameters } from './network.ts';
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

  it('leaves every other weight as it trains without it: nothing in training reads it', async () => {
    const options = { ...defaultTrainOptions, algorithm: 'ilql' as const, steps: 20, batchSize: 16, hidden: 8, inputDropout: 0, beliefWeight: 1, seed: 4 };
    const [plain, withChance] = [await train(data(), embedder, options), await train(data(), embedder, { ...options, answerChance: true })];
    expect([...withChance.parameters.keys()].filter((name) => !plain.parameters.has(name))).toEqual(['chance.w', 'chance.b']);
    for (const [name, variable] of plain.parameters) expect(Array.from(withChance.parameters.get(name)?.dataSync() ?? []), name).toEqual(Array.from(variable.dataSync()));
    for (const variable of [...plain.parameters.values(), ...withChance.parameters.values()]) variable.dispose();
  });

  it('is recorded in the checkpoint and reads the same after loading', async () => {
    await saveCheckpoint(join(dir, 'chance'), model, { task: 'toy', taskVersion: 1, embedder: embedder.config });
    const loaded = await loadCheckpoint(join(dir, 'chance'), { task: 'toy' });
    expect(loaded.config.network.answerChance).toBe(true);
    expect(chancesOf(loaded.parameters, 'Is it red?')).toEqual(chancesOf(model.parameters, 'Is it red?'));
    // A checkpoint agent acts by it unless told not to (`reverie eval --no-answer-chance`).
    const candidates = async (acting: { avoidUnanswerable?: boolean }) =>
      (await createCheckpointAgent(loaded, { name: 'ilql', k: 4, beta: 4, reportCandidates: true, embedder, ...acting }).act(conversation('colour', true).slice(0, 3))).candidates ?? [];
    const byDefault = await candidates({});
    expect(byDefault.length).toBeGreaterThan(1);
    expect(byDefault.every((candidate) => typeof candidate.answerChance === 'number')).toBe(true);
    expect(byDefault.find((candidate) => candidate.text === 'Is it big?')?.answerChance).toBeGreaterThan(0.5);
    expect((await candidates({ avoidUnanswerable: false })).every((candidate) => candidate.answerChance === undefined)).toBe(true);
    for (const variable of loaded.parameters.values()) variable.dispose();
  });

  it('is learned by behaviour models too', async () => {
    const bc = await train(data().slice(0, 20), embedder, { ...defaultTrainOptions, algorithm: 'fbc', steps: 3, batchSize: 8, hidden: 8, inputDropout: 0, beliefWeight: 1, answerChance: true, seed: 3 });
    expect(bc.parameters.has('chance.w')).toBe(true);
    for (const variable of bc.parameters.values()) variable.dispose();
  });
});

describe('acting with the answer chance', () => {
  const library = ['Is it red?', 'Is it big?'];
  /** A network whose belief sits on `unsure = colour`, where `word` gets no answer. */
  const network = (word: string | undefined): Parameters => {
    const parameters = initialParameters({ inputDimension: 64, hidden: 8, exchanges: true, belief: [2, 2], evidence: true, answerChance: true }, createRng(7));
    parameters.get('belief.b')?.assign(tf.tensor1d([0, 0, 0.5, -0.5]));
    parameters.get('chance.b')?.assign(tf.tensor1d([0.5, 0.5, 0.5, 0.5]));
    if (word !== undefined) parameters.get('chance.w')?.assign(tf.tensor2d(Array.from({ length: 64 * 4 }, (_, i) => (i === 4 * (hashString(word) % 64) + 2 ? -5 : 0)), [64, 4]));
    return parameters;
  };
  const turns = conversation('colour', true).slice(0, 1);
  const act = async (parameters: Parameters, avoidUnanswerable: boolean) =>
    createValueAgent({ parameters, library }, embedder, { name: 'fbc', policy: 'policy', k: 2, beta: 0, reportCandidates: true, avoidUnanswerable }).act(turns);

  it('ranks a candidate the belief says goes unanswered after the others, and reports each one’s chance', async () => {
    const plain = await act(network(undefined), false);
    const first = plain.text;
    expect(plain.candidates?.every((candidate) => candidate.answerChance === undefined)).toBe(true);
    const parameters = network(first === 'Is it red?' ? 'red' : 'big');
    const step = await act(parameters, true);
    expect(step.text).toBe(library.find((text) => text !== first));
    const chance = new Map(step.candidates?.map((candidate) => [candidate.text, candidate.answerChance ?? NaN]));
    expect(chance.get(first)).toBeLessThan(0.5);
    expect(chance.get(step.text)).toBeGreaterThan(0.5);
    // The chance is the belief's: Σ_v b(v|s)·P(answer | a, v) over the unsure field, the lower field.
    const belief = tf.tidy(() => Array.from(encodeConversation(parameters, embedder, turns).belief?.dataSync() ?? []));
    const chances = chancesOf(parameters, first);
    expect(chance.get(first)).toBeCloseTo((belief[2] ?? NaN) * (chances[2] ?? NaN) + (belief[3] ?? NaN) * (chances[3] ?? NaN), 5);
    // Without the rule the same network says what its prior prefers.
    expect((await act(parameters, false)).text).toBe(first);
    for (const variable of parameters.values()) variable.dispose();
  });
});
