import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValueAgent, encodeConversation } from '../agent/value-agent.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { createHashedEmbedder } from '../embed/hashed.ts';
import { initBackend } from '../nn/backend.ts';
import { sparseRows } from '../nn/sparse-layers.ts';
import type { Turn } from '../task/types.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { encodeActions, policyLogits } from './network.ts';
import type { Parameters } from './parameters.ts';
import { defaultTrainOptions, train } from './train.ts';
import type { TrainedModel } from './train.ts';

/**
 * The user has red or blue in mind and answers two questions; the agent then names a colour.
 * Both orders of answers use the same words, so a bag of words cannot tell which colour got the
 * "Yes"; only the answered pairs can.
 */
const asked = (yes: 'red' | 'blue'): Turn[] => [
  { role: 'user', text: 'Pick a colour for me.' },
  { role: 'agent', text: 'Is it red?' },
  { role: 'user', text: yes === 'red' ? 'Yes.' : 'No.' },
  { role: 'agent', text: 'Is it blue?' },
  { role: 'user', text: yes === 'blue' ? 'Yes.' : 'No.' },
  // The same last reply in both orders: the bag also marks the latest user turn apart.
  { role: 'agent', text: 'Anything else?' },
  { role: 'user', text: 'No.' },
];
const named = (colour: 'red' | 'blue') => `Then ${colour} it is.`;
const data = (): Dialogue[] =>
  Array.from({ length: 200 }, (_, i) => {
    const yes = i % 2 === 0 ? 'red' : 'blue';
    const said = Math.floor(i / 2) % 2 === 0 ? 'red' : 'blue';
    const reward = yes === said ? 1 : 0;
    return { id: `colour-${i}`, task: 'toy', persona: { colour: yes }, turns: [...asked(yes), { role: 'agent', text: named(said) }], reward, success: reward === 1, meta: {} };
  });

const embedder = createHashedEmbedder({ dimension: 64 });
// A high rate: each (reply, word) weight starts at zero and moves about the rate per step.
const options = { ...defaultTrainOptions, algorithm: 'fbc' as const, steps: 300, batchSize: 32, hidden: 16, inputDropout: 0, learningRate: 0.01, seed: 3 };

/** π(name the colour that got the "Yes" | the conversation), for each order of answers. */
const rightChoice = (parameters: Parameters): number[] =>
  (['red', 'blue'] as const).map((yes) =>
    tf.tidy(() => {
      const state = encodeConversation(parameters, embedder, asked(yes));
      const actions = encodeActions(parameters, sparseRows([embedder.embedAction(named('red')), embedder.embedAction(named('blue'))], 64));
      return tf.softmax(policyLogits(parameters, state, actions)).dataSync()[yes === 'red' ? 0 : 1] ?? 0;
    }),
  );

let withPairs: TrainedModel;
let without: TrainedModel;
let dir: string;

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'reverie-answered-'));
  withPairs = await train(data(), embedder, { ...options, answered: true });
  without = await train(data(), embedder, { ...options, answered: false });
}, 120_000);

afterAll(async () => {
  for (const model of [withPairs, without]) for (const variable of model.parameters.values()) variable.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('answered words', () => {
  it('let filtered BC name the colour that got the "Yes", in either order', () => {
    for (const p of rightChoice(withPairs.parameters)) expect(p).toBeGreaterThan(0.9);
  });

  it('are what makes the difference: without them both orders look the same and the choice is a coin toss', () => {
    const [red, blue] = rightChoice(without.parameters) as [number, number];
    // The same state features in both orders, so π(red) is the same: the right choice in one order is the wrong one in the other.
    expect(red + blue).toBeCloseTo(1, 5);
  });

  it('survive a checkpoint round trip, and the loaded agent names the right colour', async () => {
    await saveCheckpoint(join(dir, 'fbc'), withPairs, { task: 'toy', taskVersion: 1, embedder: embedder.config });
    const loaded = await loadCheckpoint(join(dir, 'fbc'));
    expect(loaded.config.network.answered).toBe(true);
    expect(rightChoice(loaded.parameters)).toEqual(rightChoice(withPairs.parameters));
    const agent = createValueAgent({ parameters: loaded.parameters, library: loaded.library }, embedder, { name: 'fbc', policy: 'policy', k: 2, beta: 0 });
    expect((await agent.act(asked('blue'))).text).toBe(named('blue'));
    expect((await agent.act(asked('red'))).text).toBe(named('red'));
    agent.dispose?.();
    for (const variable of loaded.parameters.values()) variable.dispose();
  });
});
