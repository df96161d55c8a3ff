import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValueAgent, encodeConversation } from '../agent/value-agent.ts';
import { createCheckpointAgent } from '../agent/checkpoint-agent.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { createDialogueEmbedder } from '../embed/dialogue.ts';
import type { Turn } from '../task/types.ts';
import { initBackend } from '../nn/backend.ts';
import { selectRows, sparseRows } from '../nn/sparse-layers.ts';
import { createRng, hashString } from '../util/rng.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { exchangeRows } from './exchange-rows.ts';
import { encodeActions, encodeStates, initialParameters, policyLogits, qPaired, qValues, values } from './network.ts';
import { beliefGain, isFixedParameter } from './parameters.ts';
import type { Parameters } from './parameters.ts';
import { defaultTrainOptions, train } from './train.ts';
import type { TrainedModel } from './train.ts';

/**
 * The user has A or B in mind; the agent asks about A, then B, then names one. The persona
 * records the answer, so the belief head learns it from the answers; naming the right one pays 1.
 */
const conversation = (answer: 'A' | 'B', named: 'A' | 'B'): Turn[] => [
  { role: 'user', text: 'Guess which one I picked.' },
  { role: 'agent', text: 'Is it A?' },
  { role: 'user', text: answer === 'A' ? 'Yes.' : 'No.' },
  { role: 'agent', text: 'Is it B?' },
  { role: 'user', text: answer === 'B' ? 'Yes.' : 'No.' },
  { role: 'agent', text: `It is ${named}.` },
];
const data = (): Dialogue[] =>
  Array.from({ length: 160 }, (_, i) => {
    const answer = i % 2 === 0 ? 'A' : 'B';
    const named = Math.floor(i / 2) % 2 === 0 ? 'A' : 'B';
    const reward = answer === named ? 1 : 0;
    return { id: `toy-0-${String(i).padStart(6, '0')}`, task: 'toy', persona: { answer, mood: i % 3 === 0 ? 'calm' : 'busy' }, turns: conversation(answer, named), reward, success: reward >= 0.5, meta: {} };
  });

const embedder = createDialogueEmbedder({ dimension: 64 });
const encodeState = (parameters: Parameters, turns: readonly Turn[]) => encodeConversation(parameters, embedder, turns);

let dir: string;
let model: TrainedModel;

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'reverie-belief-'));
  model = await train(data(), embedder, { ...defaultTrainOptions, algorithm: 'ilql', steps: 400, batchSize: 32, hidden: 16, inputDropout: 0, beliefWeight: 1, seed: 2 });
}, 120_000);

afterAll(async () => {
  for (const variable of model.parameters.values()) variable.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('the belief head', () => {
  it('gives a distribution within each persona field', () => {
    const parameters = initialParameters({ inputDimension: 64, hidden: 8, exchanges: true, belief: [3, 2] }, createRng(1));
    const belief = tf.tidy(() => Array.from(encodeState(parameters, conversation('A', 'A').slice(0, 3)).belief?.dataSync() ?? []));
    expect(belief).toHaveLength(5);
    expect(belief.slice(0, 3).reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5);
    expect(belief.slice(3).reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5);
    for (const variable of parameters.values()) variable.dispose();
  });

  it('keeps the gradients finite when one field sits far below another (no 0·∞ through its softmax)', () => {
    const parameters = initialParameters({ inputDimension: 64, hidden: 8, exchanges: true, belief: [3, 2] }, createRng(1));
    // The second field's bias −30, times the belief gain: 300 logits below the first, its exponentials underflow to zero.
    parameters.get('belief.b')?.assign(tf.tensor1d([0, 0, 0, -30, -30]));
    const turns = conversation('A', 'A').slice(0, 3);
    const { value, grads } = tf.variableGrads(() => {
      const state = encodeState(parameters, turns);
      const actions = encodeActions(parameters, sparseRows([embedder.embedAction('It is A.'), embedder.embedAction('It is B.')], 64));
      return tf.sum(policyLogits(parameters, state, actions)) as tf.Scalar;
    }, [...parameters].filter(([name]) => !isFixedParameter(name)).map(([, variable]) => variable));
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const finite = [...parameters].flatMap(([name, variable]) => {
      const gradient = grads[variable.name];
      return gradient === undefined ? [] : [[name, Array.from(gradient.dataSync()).every(Number.isFinite)] as const];
    });
    expect(finite.length).toBeGreaterThan(10);
    expect(finite.filter(([, ok]) => !ok).map(([name]) => name)).toEqual([]);
    tf.dispose([value, ...Object.values(grads)]);
    for (const variable of parameters.values()) variable.dispose();
  });

  it('reads answer evidence by default, so "No" after "Is it A?" and "Yes" after it lead to different beliefs', () => {
    expect(model.parameters.has('belief.evidence')).toBe(true);
    expect(model.parameters.has('belief.bag')).toBe(false);
    const after = (reply: string) => tf.tidy(() => Array.from(encodeState(model.parameters, [...conversation('A', 'A').slice(0, 2), { role: 'user', text: reply }]).belief?.dataSync() ?? []).slice(0, 2));
    expect(after('Yes.')[0]).toBeGreaterThan(0.8);
    expect(after('No.')[1]).toBeGreaterThan(0.8);
  });

  it('refuses to encode a state without its evidence when the belief reads it, and says what to pass', () => {
    const parameters = initialParameters({ inputDimension: 64, hidden: 8, exchanges: true, belief: [2], evidence: true }, createRng(1));
    const turns = conversation('A', 'A').slice(0, 3);
    expect(() => encodeStates(parameters, sparseRows([embedder.embedState(turns)], 64), undefined, exchangeRows([embedder.embedExchanges(turns)], 64))).toThrow(/answer evidence/);
    for (const variable of parameters.values()) variable.dispose();
  });

  it('keeps the belief of earlier models, over the state features, with beliefEvidence off, through a checkpoint', async () => {
    const old = await train(data().slice(0, 40), embedder, { ...defaultTrainOptions, algorithm: 'fbc', steps: 5, batchSize: 8, hidden: 8, inputDropout: 0, beliefWeight: 1, beliefEvidence: false, seed: 2 });
    expect(old.parameters.has('belief.bag') && old.parameters.has('belief.exchange')).toBe(true);
    expect(old.parameters.has('belief.evidence')).toBe(false);
    await saveCheckpoint(join(dir, 'features-belief'), old, { task: 'toy', taskVersion: 1, embedder: embedder.config });
    const loaded = await loadCheckpoint(join(dir, 'features-belief'), { task: 'toy' });
    expect(loaded.config.network.evidence).toBeUndefined();
    const turns = conversation('B', 'B').slice(0, 3);
    const beliefOf = (parameters: Parameters) => tf.tidy(() => Array.from(encodeState(parameters, turns).belief?.dataSync() ?? []));
    expect(beliefOf(loaded.parameters)).toEqual(beliefOf(old.parameters));
    for (const variable of [...old.parameters.values(), ...loaded.parameters.values()]) variable.dispose();
  });

  it('learns from the answers which item the user has in mind', () => {
    expect(model.belief?.map((field) => field.name)).toEqual(['answer', 'mood']);
    const answerOf = (answer: 'A' | 'B') => tf.tidy(() => Array.from(encodeState(model.parameters, conversation(answer, answer).slice(0, -1)).belief?.dataSync() ?? []).slice(0, 2));
    expect(answerOf('A')[0]).toBeGreaterThan(0.9);
    expect(answerOf('B')[1]).toBeGreaterThan(0.9);
  });
});

describe('Q and the prior reading the belief', () => {
  it('learns from successful dialogues which item each action goes with', () => {
    const personaOf = (text: string) => tf.tidy(() => Array.from(encodeActions(model.parameters, sparseRows([embedder.embedAction(text)], 64)).belief?.dataSync() ?? []).slice(0, 2));
    expect(personaOf('It is A.')[0]).toBeGreaterThan(0.9);
    expect(personaOf('It is B.')[1]).toBeGreaterThan(0.9);
  });

  it('adds gain·w·Σ belief(v|s)·P(v|a) to Q, the same for a pair as for the grid, and gain·w·log of it to the prior', () => {
    const parameters = initialParameters({ inputDimension: 64, hidden: 8, exchanges: true, belief: [2] }, createRng(3));
    const actions = sparseRows(['It is A.', 'It is B.'].map((text) => embedder.embedAction(text)), 64);
    const turns = conversation('B', 'B').slice(0, -1);
    const grid = (p: Parameters) => tf.tidy(() => Array.from(qValues(p, 'q1', encodeState(p, turns), encodeActions(p, actions)).dataSync()));
    const prior = (p: Parameters) => tf.tidy(() => Array.from(policyLogits(p, encodeState(p, turns), encodeActions(p, actions)).dataSync()));
    const [qBefore, priorBefore] = [grid(parameters), prior(parameters)];
    // Zero-initialised, the match weights add nothing. An action head that ties B's own word to
    // value 1, and a weight of 1 on the field, then add to each action's Q the chance that the
    // persona is the one the action goes with, times the gain; to its prior logit, the log.
    parameters.get('belief.action')?.assign(tf.tensor2d(Array.from({ length: 128 }, (_, i) => (i === 2 * (hashString('b') % 64) + 1 ? 1 : 0)), [64, 2]));
    parameters.get('q1.match')?.assign(tf.tensor1d([1]));
    parameters.get('policy.match')?.assign(tf.tensor1d([1]));
    const belief = tf.tidy(() => Array.from(encodeState(parameters, turns).belief?.dataSync() ?? []));
    const goesWith = tf.tidy(() => Array.from(encodeActions(parameters, actions).belief?.dataSync() ?? []));
    expect(goesWith[3]).toBeGreaterThan(0.99);
    expect(goesWith[0]).toBeCloseTo(0.5, 5);
    const match = [0, 1].map((a) => (belief[0] ?? NaN) * (goesWith[2 * a] ?? NaN) + (belief[1] ?? NaN) * (goesWith[2 * a + 1] ?? NaN));
    const [qAfter, priorAfter] = [grid(parameters), prior(parameters)];
    [0, 1].forEach((a) => {
      expect(qAfter[a]).toBeCloseTo((qBefore[a] ?? NaN) + beliefGain * (match[a] ?? NaN), 4);
      expect(priorAfter[a]).toBeCloseTo((priorBefore[a] ?? NaN) + beliefGain * Math.log((match[a] ?? NaN) + 1e-4), 4);
    });
    const paired = tf.tidy(() => Array.from(qPaired(parameters, 'q1', encodeState(parameters, turns), encodeActions(parameters, selectRows(actions, [1]))).dataSync()));
    expect(paired[0]).toBeCloseTo(qAfter[1] ?? NaN, 4);
    for (const variable of parameters.values()) variable.dispose();
  });

  it('lets V add gain·w·max belief per field when it reads the belief, and keeps it through a checkpoint', async () => {
    const parameters = initialParameters({ inputDimension: 64, hidden: 8, exchanges: true, belief: [2, 3], valueBelief: true }, createRng(4));
    const turns = conversation('A', 'B').slice(0, -1);
    const v = (p: Parameters) => tf.tidy(() => values(p, encodeState(p, turns)).dataSync()[0] ?? NaN);
    const before = v(parameters);
    parameters.get('belief.b')?.assign(tf.tensor1d([0.2, -0.1, 0.3, 0, -0.2]));
    parameters.get('v.match')?.assign(tf.tensor1d([0.5, -0.25]));
    const belief = tf.tidy(() => Array.from(encodeState(parameters, turns).belief?.dataSync() ?? []));
    const sure = [Math.max(...belief.slice(0, 2)), Math.max(...belief.slice(2))];
    expect(sure[0]).toBeGreaterThan(0.5);
    expect(v(parameters)).toBeCloseTo(before + beliefGain * (0.5 * (sure[0] ?? NaN) - 0.25 * (sure[1] ?? NaN)), 4);
    tf.tidy(() => {
      const { belief: _, ...withoutBelief } = encodeState(parameters, turns);
      expect(() => values(parameters, withoutBelief)).toThrow(/reads the belief/);
    });
    const fields = [
      { name: 'answer', values: ['A', 'B'] },
      { name: 'mood', values: ['busy', 'calm', 'odd'] },
    ];
    const saved: TrainedModel = { ...model, options: { ...model.options, hidden: 8, answered: false, valueBelief: true }, parameters, library: ['Is it A?', 'It is A.'], belief: fields };
    await saveCheckpoint(join(dir, 'valued'), saved, { task: 'toy', taskVersion: 1, embedder: embedder.config });
    const loaded = await loadCheckpoint(join(dir, 'valued'), { task: 'toy' });
    expect(loaded.config.network.valueBelief).toBe(true);
    expect(v(loaded.parameters)).toBeCloseTo(v(parameters), 6);
    for (const variable of [...parameters.values(), ...loaded.parameters.values()]) variable.dispose();
  });

  it('values naming the item the answers point to above naming the other, and round-trips through a checkpoint', async () => {
    const agent = createValueAgent(model, embedder, { name: 'ilql', policy: 'advantage', k: 4, beta: 4 });
    for (const answer of ['A', 'B'] as const) {
      const step = await agent.act(conversation(answer, answer).slice(0, -1));
      const q = new Map(step.candidates?.map((candidate) => [candidate.text, candidate.q ?? NaN]));
      const other = answer === 'A' ? 'B' : 'A';
      expect(q.get(`It is ${answer}.`)).toBeGreaterThan((q.get(`It is ${other}.`) ?? NaN) + 0.3);
    }
    await saveCheckpoint(join(dir, 'ilql'), model, { task: 'toy', taskVersion: 1, embedder: embedder.config });
    const loaded = await loadCheckpoint(join(dir, 'ilql'), { task: 'toy' });
    expect(loaded.config.network.evidence).toBe(true);
    expect(loaded.config.network.belief).toEqual([
      { name: 'answer', values: ['A', 'B'] },
      { name: 'mood', values: ['busy', 'calm'] },
    ]);
    const state = conversation('B', 'B').slice(0, -1);
    const before = await agent.act(state);
    const after = await createCheckpointAgent(loaded, { name: 'ilql', k: 4, beta: 4 }).act(state);
    expect(after.candidates?.map((candidate) => candidate.q)).toEqual(before.candidates?.map((candidate) => candidate.q));
    for (const variable of loaded.parameters.values()) variable.dispose();
  }, 60_000);
});
