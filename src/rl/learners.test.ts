import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValueAgent } from '../agent/value-agent.ts';
import { createCheckpointAgent } from '../agent/checkpoint-agent.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { toTransitions } from '../data/transitions.ts';
import { createDialogueEmbedder } from '../embed/dialogue.ts';
import { createHashedEmbedder } from '../embed/hashed.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { Turn } from '../task/types.ts';
import { initBackend } from '../nn/backend.ts';
import { returnsToGo } from './batch.ts';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { mixReturns } from './losses.ts';
import { defaultTrainOptions, train } from './train.ts';

const dialogue = (id: number, turns: Turn[], reward: number): Dialogue => ({
  id: `toy-0-${String(id).padStart(6, '0')}`,
  task: 'toy',
  persona: {},
  turns,
  reward,
  success: reward >= 0.5,
  meta: {},
});

/**
 * The hidden answer is A or B. The agent asks about A, then about B, then about C (always "No."),
 * then names one. The words of the two conversations are the same; only which question got the
 * "Yes." differs. Naming the right one gives reward 1, the wrong one 0; the data names each half
 * the time.
 */
const swapped = (answer: 'A' | 'B', named: 'A' | 'B'): Turn[] => [
  { role: 'user', text: 'Guess which one I picked.' },
  { role: 'agent', text: 'Is it A?' },
  { role: 'user', text: answer === 'A' ? 'Yes.' : 'No.' },
  { role: 'agent', text: 'Is it B?' },
  { role: 'user', text: answer === 'B' ? 'Yes.' : 'No.' },
  { role: 'agent', text: 'Is it C?' },
  { role: 'user', text: 'No.' },
  { role: 'agent', text: `It is ${named}.` },
];
const swappedData = (): Dialogue[] =>
  Array.from({ length: 160 }, (_, i) => {
    const answer = i % 2 === 0 ? 'A' : 'B';
    const named = Math.floor(i / 2) % 2 === 0 ? 'A' : 'B';
    return dialogue(i, swapped(answer, named), answer === named ? 1 : 0);
  });

beforeAll(async () => {
  await initBackend('cpu');
});

describe('returnsToGo', () => {
  it('discounts the final reward back through a dialogue, by hand', () => {
    const data = [
      dialogue(0, [{ role: 'user', text: 'u' }, { role: 'agent', text: 'a1' }, { role: 'user', text: 'u' }, { role: 'agent', text: 'a2' }, { role: 'user', text: 'u' }, { role: 'agent', text: 'a3' }], 0.8),
      dialogue(1, [{ role: 'user', text: 'u' }, { role: 'agent', text: 'b1' }], 0.3),
    ];
    const returns = Array.from(returnsToGo(toTransitions(data), 0.5));
    // 0.8 at the last turn, 0.4 one before, 0.2 two before; the next dialogue starts afresh.
    expect(returns).toEqual(Array.from(Float32Array.of(0.2, 0.4, 0.8, 0.3)));
  });
});

describe('the dialogue encoder against the bag of words', () => {
  const accuracy = async (embedder: Embedder): Promise<number> => {
    const model = await train(swappedData(), embedder, { ...defaultTrainOptions, algorithm: 'fbc', steps: 250, batchSize: 32, hidden: 16, inputDropout: 0, seed: 3 });
    const agent = createValueAgent(model, embedder, { name: 'fbc', policy: 'policy', k: 4, beta: 0 });
    let right = 0;
    for (const answer of ['A', 'B'] as const) {
      const step = await agent.act(swapped(answer, answer).slice(0, -1));
      if (step.text === `It is ${answer}.`) right += 1;
    }
    agent.dispose?.();
    return right;
  };

  it('learns which answer went with which question, where the bag cannot tell the two apart', async () => {
    expect(await accuracy(createDialogueEmbedder({ dimension: 256 }))).toBe(2);
    // The bag gives both states the same features, so the same choice: right in one of the two.
    expect(await accuracy(createHashedEmbedder({ dimension: 256 }))).toBe(1);
  }, 60_000);
});

describe('the return mix', () => {
  it('gives ILQL the target (1 − λ)·(r + γV(s′)) + λ·G, by hand, and refuses λ outside [0, 1]', async () => {
    const td = tf.tensor1d([1, 2]);
    const returns = tf.tensor1d([3, 5]);
    expect(Array.from(mixReturns(td, returns, 0.25).dataSync())).toEqual([1.5, 2.75]);
    expect(Array.from(mixReturns(td, returns, 1).dataSync())).toEqual([3, 5]);
    expect(mixReturns(td, returns, 0)).toBe(td);
    tf.dispose([td, returns]);
    await expect(train(swappedData(), createHashedEmbedder({ dimension: 64 }), { ...defaultTrainOptions, returnMix: 1.5, steps: 1 })).rejects.toThrow(/return mix must lie in \[0, 1\] \(got 1.5\)/);
  });
});

describe('MC', () => {
  it('regresses Q on the return: Q of the right name is near 1 and of the wrong one near 0, with the dialogue encoder', async () => {
    const embedder = createDialogueEmbedder({ dimension: 256 });
    const model = await train(swappedData(), embedder, { ...defaultTrainOptions, algorithm: 'mc', steps: 1000, batchSize: 32, hidden: 16, inputDropout: 0, seed: 2, polyak: 0.5 });
    const agent = createValueAgent(model, embedder, { name: 'mc', policy: 'advantage', k: 4, beta: 8 });
    for (const answer of ['A', 'B'] as const) {
      const step = await agent.act(swapped(answer, answer).slice(0, -1));
      const q = (text: string) => step.candidates?.find((candidate) => candidate.text === text)?.q ?? NaN;
      const other = answer === 'A' ? 'B' : 'A';
      // The regression target is 1 for the right name and 0 for the wrong one.
      expect(q(`It is ${answer}.`) - q(`It is ${other}.`)).toBeGreaterThan(0.4);
      expect(step.text).toBe(`It is ${answer}.`);
    }
    agent.dispose?.();
  }, 60_000);
});

describe('acting without repeats', () => {
  it('never says again what it already said, unless told to allow it', async () => {
    const embedder = createHashedEmbedder({ dimension: 256 });
    const model = await train(swappedData(), embedder, { ...defaultTrainOptions, algorithm: 'bc', steps: 50, batchSize: 32, hidden: 8, seed: 1 });
    const turns: Turn[] = [{ role: 'user', text: 'Guess which one I picked.' }];
    const free = createValueAgent(model, embedder, { name: 'bc', policy: 'policy', k: 4, beta: 0, avoidRepeats: false });
    const first = (await free.act(turns)).text;
    const again = [...turns, { role: 'agent' as const, text: first }, { role: 'user' as const, text: 'Guess which one I picked.' }];
    expect((await free.act(again)).text).toBe(first);
    const fresh = createValueAgent(model, embedder, { name: 'bc', policy: 'policy', k: 4, beta: 0 });
    const said = new Set<string>([first]);
    let conversation = again;
    for (let turn = 0; turn < 4; turn += 1) {
      const { text } = await fresh.act(conversation);
      expect(said.has(text)).toBe(false);
      said.add(text);
      conversation = [...conversation, { role: 'agent', text }, { role: 'user', text: 'Guess which one I picked.' }];
    }
    // All five library utterances said: nothing is barred any more, so the agent still speaks.
    expect(model.library).toHaveLength(5);
    expect(said.size).toBe(5);
    expect(model.library).toContain((await fresh.act(conversation)).text);
    free.dispose?.();
    fresh.dispose?.();
  }, 60_000);
});

describe('checkpoints of each encoder kind', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reverie-encoders-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['hashed', createHashedEmbedder({ dimension: 64 })],
    ['dialogue', createDialogueEmbedder({ dimension: 64 })],
  ] as const)('round-trips a %s checkpoint and acts with the same choices after loading', async (kind, embedder) => {
    const model = await train(swappedData(), embedder, { ...defaultTrainOptions, algorithm: 'ilql', steps: 20, batchSize: 16, hidden: 8 });
    const directory = join(dir, kind);
    await saveCheckpoint(directory, model, { task: 'toy', taskVersion: 1, embedder: embedder.config });
    const loaded = await loadCheckpoint(directory, { task: 'toy' });
    expect(loaded.config.embedder).toEqual({ kind, version: 1, dimension: 64 });
    expect([...loaded.parameters.keys()].sort()).toEqual([...model.parameters.keys()].sort());
    expect([...loaded.parameters.keys()].some((name) => name.startsWith('exchange.'))).toBe(kind === 'dialogue');
    const state = swapped('B', 'B').slice(0, -1);
    const before = await createValueAgent(model, embedder, { name: 'ilql', policy: 'advantage', k: 4, beta: 4 }).act(state);
    const after = await createCheckpointAgent(loaded, { name: 'ilql', k: 4, beta: 4 }).act(state);
    expect(after.text).toBe(before.text);
    expect(after.candidates?.map((candidate) => candidate.q)).toEqual(before.candidates?.map((candidate) => candidate.q));
  }, 60_000);

  it('refuses a checkpoint whose encoder kind it does not know, naming it', async () => {
    const embedder = createHashedEmbedder({ dimension: 64 });
    const model = await train(swappedData(), embedder, { ...defaultTrainOptions, algorithm: 'bc', steps: 2, batchSize: 8, hidden: 8 });
    const directory = join(dir, 'future');
    await saveCheckpoint(directory, model, { task: 'toy', taskVersion: 1, embedder: embedder.config });
    const config = JSON.parse(await readFile(join(directory, 'config.json'), 'utf8'));
    await writeFile(join(directory, 'config.json'), JSON.stringify({ ...config, embedder: { kind: 'learned', version: 1, dimension: 64 } }));
    const error = await loadCheckpoint(directory).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/encoder is of kind "learned", which this Reverie does not know \(hashed, dialogue, embeddings\)/);
  }, 60_000);
});
