import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dialogue } from '../data/dialogue.ts';
import { createHashedEmbedder } from '../embed/hashed.ts';
import type { Embedder } from '../embed/hashed.ts';
import type { Turn } from '../task/types.ts';
import { createRng } from '../util/rng.ts';
import { initBackend } from '../nn/backend.ts';
import { encodeActions, encodeStates, qPaired } from './network.ts';
import { sparseRows } from '../nn/sparse-layers.ts';
import type { QHead } from './network.ts';
import type { Parameters } from './parameters.ts';
import { defaultTrainOptions, EmptyTrainingSetError, train } from './train.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

const colours = ['red', 'blue'] as const;
const opening = (colour: string): Turn => ({ role: 'user', text: `I love ${colour}` });
const reply = (colour: string): string => `Here is something ${colour}.`;

/** 50 dialogues of each (liked colour, offered colour) pair; reward 1 exactly when they match. */
const toyDialogues = (): Dialogue[] =>
  Array.from({ length: 200 }, (_, i): Dialogue => {
    const liked = colours[i % 2] ?? 'red';
    const offered = colours[Math.floor(i / 2) % 2] ?? 'red';
    const reward = liked === offered ? 1 : 0;
    return {
      id: `toy-0-${String(i).padStart(6, '0')}`,
      task: 'toy',
      persona: {},
      turns: [opening(liked), { role: 'agent', text: reply(offered) }],
      reward,
      success: reward === 1,
      meta: {},
    };
  });

const bits = (parameters: Parameters): Map<string, number[]> =>
  new Map([...parameters].map(([name, variable]) => [name, Array.from(new Uint32Array(Float32Array.from(variable.dataSync() as Float32Array).buffer))]));

describe('train', () => {
  const embedder: Embedder = createHashedEmbedder({ dimension: 64 });
  // Batches of 32 over two replies: a batch holding a single reply (see the oneHot bug below) is practically impossible.
  const small = { ...defaultTrainOptions, steps: 5, batchSize: 32, hidden: 8 };

  it('refuses filtered BC on dialogues without a success', async () => {
    const failures = toyDialogues().filter((dialogue) => !dialogue.success);
    expect(failures).toHaveLength(100);
    await expect(train(failures, embedder, { ...small, algorithm: 'fbc' })).rejects.toBeInstanceOf(EmptyTrainingSetError);
    await expect(train(failures, embedder, { ...small, algorithm: 'fbc' })).rejects.toThrow(/filtered BC/);
  });

  it('trains BC with the policy loss only', async () => {
    const model = await train(toyDialogues(), embedder, { ...small, algorithm: 'bc' });
    expect(model.history.map((entry) => entry.step)).toEqual([5]);
    for (const entry of model.history) expect(Object.keys(entry.losses)).toEqual(['policy']);
    expect(model.library.sort()).toEqual([reply('blue'), reply('red')]);
    expect(model.stats).toMatchObject({ dialogues: 200, transitions: 200 });
  });

  it.each(['bc', 'ilql'] as const)('%s leaves no tensor behind, however many steps it runs', async (algorithm) => {
    const tensorsAfter = async (steps: number) => {
      const before = tf.memory().numTensors;
      const model = await train(toyDialogues(), embedder, { ...small, algorithm, steps, cqlWeight: 0.5 });
      for (const variable of model.parameters.values()) variable.dispose();
      return tf.memory().numTensors - before;
    };
    await tensorsAfter(2);
    expect(await tensorsAfter(30)).toBe(await tensorsAfter(3));
  });

  it('keeps only successful dialogues for filtered BC', async () => {
    const model = await train(toyDialogues(), embedder, { ...small, algorithm: 'fbc' });
    expect(model.stats).toMatchObject({ dialogues: 100, transitions: 100 });
    for (const entry of model.history) expect(Object.keys(entry.losses)).toEqual(['policy']);
  });

  it.each([
    [0, ['policy', 'td', 'value']],
    [0.5, ['cql', 'policy', 'td', 'value']],
  ])('reports the ILQL losses with CQL weight %s, all finite', async (cqlWeight, names) => {
    const model = await train(toyDialogues(), embedder, { ...small, steps: 60, algorithm: 'ilql', cqlWeight });
    expect(model.history.map((entry) => entry.step)).toEqual([50, 60]);
    for (const entry of model.history) {
      expect(Object.keys(entry.losses).sort()).toEqual(names);
      for (const loss of Object.values(entry.losses)) expect(Number.isFinite(loss)).toBe(true);
    }
  });

  it('gives bitwise-identical parameters for the same seed, and different ones for another seed', async () => {
    const options = { ...small, steps: 8, seed: 11 };
    const first = bits((await train(toyDialogues(), embedder, options)).parameters);
    const second = bits((await train(toyDialogues(), embedder, options)).parameters);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, values] of first) expect(second.get(name), name).toEqual(values);
    const other = bits((await train(toyDialogues(), embedder, { ...options, seed: 12 })).parameters);
    expect(other.get('state.w1')).not.toEqual(first.get('state.w1'));
  });

  // A batch whose rows all took one utterance has a single candidate, too few for a softmax; it
  // always happens with batchSize 1 or a one-utterance library, now and then with small batches.
  it.each([
    ['batchSize 1', { batchSize: 1 }, toyDialogues()],
    ['a one-utterance library', {}, toyDialogues().filter((dialogue) => dialogue.turns[1]?.text === reply('red'))],
  ])('trains with %s (a batch with a single candidate action)', async (_label, extra, dialogues) => {
    const model = await train(dialogues, embedder, { ...small, ...extra, steps: 2, cqlWeight: 0.5 });
    expect(model.history).toHaveLength(1);
    expect(Object.keys(model.history[0]?.losses ?? {}).sort()).toEqual(['cql', 'policy', 'td', 'value']);
  });
});

describe('ILQL on a toy dataset', () => {
  it('learns that the reply matching the liked colour is worth more', async () => {
    const embedder = createHashedEmbedder({ dimension: 256 });
    const model = await train(toyDialogues(), embedder, { ...defaultTrainOptions, steps: 300, batchSize: 32, hidden: 16, inputDropout: 0 });
    const pairs = colours.flatMap((liked) => colours.map((offered) => ({ liked, offered })));
    const q = (head: QHead): number[] =>
      tf.tidy(() => {
        const states = pairs.map(({ liked }) => embedder.embedState([opening(liked)]));
        const actions = pairs.map(({ offered }) => embedder.embedAction(reply(offered)));
        const s = encodeStates(model.parameters, sparseRows(states, 256));
        const a = encodeActions(model.parameters, sparseRows(actions, 256));
        return Array.from(qPaired(model.parameters, head, s, a).dataSync());
      });
    const target = q('target-q1').map((value, i) => Math.min(value, q('target-q2')[i] ?? Number.NaN));
    const online = q('q1');
    // pairs: (red, red), (red, blue), (blue, red), (blue, blue)
    const [redRed = NaN, redBlue = NaN, blueRed = NaN, blueBlue = NaN] = target;
    expect(redRed).toBeGreaterThan(redBlue);
    expect(blueBlue).toBeGreaterThan(blueRed);
    expect(online[0] ?? NaN).toBeGreaterThan(online[1] ?? NaN);
    expect(online[3] ?? NaN).toBeGreaterThan(online[2] ?? NaN);
    // The online head should be close to the rewards themselves (1 for a match, 0 otherwise).
    expect((online[0] ?? NaN) - (online[1] ?? NaN)).toBeGreaterThan(0.5);
    expect((online[3] ?? NaN) - (online[2] ?? NaN)).toBeGreaterThan(0.5);
  });
});
