import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialogue } from '../data/dialogue.ts';
import { createHashedEmbedder } from '../embed/hashed.ts';
import type { Embedder } from '../embed/hashed.ts';
import { imagineDialogue } from '../imagine/offline.ts';
import { loadTravelTask } from '../tasks/travel/index.ts';
import { initBackend } from '../nn/backend.ts';
import { CheckpointError, checkpointFormatVersion, loadCheckpoint, saveActingDefaults, saveCheckpoint } from './checkpoint.ts';
import { createCheckpointAgent, resolveActing } from '../agent/checkpoint-agent.ts';
import type { CheckpointConfig, LoadedCheckpoint } from './checkpoint.ts';
import { encodeActions, encodeStates, parameterShapes, policyLogits, qValues, values } from './network.ts';
import type { QHead } from './network.ts';
import type { Parameters } from './parameters.ts';
import { decodeSafetensors, encodeSafetensors } from '../nn/safetensors.ts';
import type { NamedTensor } from '../nn/safetensors.ts';
import { defaultTrainOptions, train } from './train.ts';
import type { TrainedModel } from './train.ts';
import { sparseRows } from '../nn/sparse-layers.ts';

let dir: string;
let saved: string;
let dialogues: Dialogue[];
let embedder: Embedder;
let model: TrainedModel;
let config: CheckpointConfig;
let loaded: LoadedCheckpoint;

beforeAll(async () => {
  await initBackend('cpu');
  const task = await loadTravelTask();
  dialogues = await Promise.all(Array.from({ length: 30 }, (_, i) => imagineDialogue(task, 1, i)));
  embedder = createHashedEmbedder({ dimension: 64 });
  model = await train(dialogues, embedder, { ...defaultTrainOptions, steps: 5, batchSize: 8, hidden: 8 });
  dir = await mkdtemp(join(tmpdir(), 'reverie-checkpoint-'));
  saved = join(dir, 'saved');
  config = await saveCheckpoint(saved, model, { task: 'travel', taskVersion: 1, embedder: embedder.config });
  loaded = await loadCheckpoint(saved, { task: 'travel' });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The raw bit patterns of a variable, so -0 vs 0 and NaN payloads count as differences. */
const bits = (variable: tf.Variable): number[] => Array.from(new Uint32Array(Float32Array.from(variable.dataSync() as Float32Array).buffer));

/** A fresh copy of the saved checkpoint, to damage. */
const copyOfSaved = async (name: string): Promise<string> => {
  const copy = join(dir, name);
  await cp(saved, copy, { recursive: true });
  return copy;
};

const rejection = async (promise: Promise<unknown>): Promise<CheckpointError> => {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  return error as CheckpointError;
};

/** Every network output that acting reads, for a few real states against the whole library. */
const outputs = (parameters: Parameters): Record<string, number[]> =>
  tf.tidy(() => {
    const stateRows = dialogues.slice(0, 5).map((dialogue) => embedder.embedState(dialogue.turns.slice(0, 1)));
    const states = encodeStates(parameters, sparseRows(stateRows, 64));
    const actionRows = model.library.map((text) => embedder.embedAction(text));
    const actions = encodeActions(parameters, sparseRows(actionRows, 64));
    const out: Record<string, number[]> = {
      policy: Array.from(policyLogits(parameters, states, actions).dataSync()),
      v: Array.from(values(parameters, states).dataSync()),
    };
    for (const head of ['q1', 'q2', 'target-q1', 'target-q2'] as QHead[]) out[head] = Array.from(qValues(parameters, head, states, actions).dataSync());
    return out;
  });

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips every parameter bit for bit', () => {
    const names = [...parameterShapes({ inputDimension: 64, hidden: 8, answered: true }).keys()];
    expect([...loaded.parameters.keys()].sort()).toEqual([...names].sort());
    expect([...model.parameters.keys()].sort()).toEqual([...names].sort());
    for (const name of names) {
      const original = model.parameters.get(name);
      const restored = loaded.parameters.get(name);
      if (original === undefined || restored === undefined) throw new Error(`parameter ${name} missing`);
      expect(restored.shape, name).toEqual(original.shape);
      expect(bits(restored), name).toEqual(bits(original));
    }
  });

  it('keeps the library and describes the model in config.json', async () => {
    expect(model.library.length).toBeGreaterThan(1);
    expect(loaded.library).toEqual(model.library);
    expect(loaded.config).toEqual(config);
    expect(config).toMatchObject({ task: 'travel', taskVersion: 1, algorithm: 'ilql', formatVersion: checkpointFormatVersion });
    expect(config.network).toEqual({ inputDimension: 64, hidden: 8, answered: true });
    expect(config.embedder).toEqual({ kind: 'hashed', version: 1, dimension: 64 });
    expect(JSON.parse(await readFile(join(saved, 'config.json'), 'utf8'))).toEqual(config);
  });

  it('makes only the online parameters trainable', () => {
    for (const [name, variable] of loaded.parameters) expect(variable.trainable, name).toBe(!name.startsWith('target-'));
  });

  it('gives the same Q values, values and policy logits as the trained parameters', () => {
    const expected = outputs(model.parameters);
    const actual = outputs(loaded.parameters);
    expect(Object.keys(actual).sort()).toEqual(['policy', 'q1', 'q2', 'target-q1', 'target-q2', 'v']);
    expect(actual['policy']).toHaveLength(5 * model.library.length);
    expect(actual).toEqual(expected);
  });
});

describe('acting defaults beside a checkpoint', () => {
  it('loads none when there is no acting.json, and the saved ones when there is', async () => {
    const copy = await copyOfSaved('acting');
    const before = await loadCheckpoint(copy);
    expect(before.acting).toBeUndefined();
    expect(resolveActing(before, {})).toEqual({ k: 16, beta: 4 });
    await saveActingDefaults(copy, { k: 8, beta: 64, chosenOn: 'a test' });
    const after = await loadCheckpoint(copy);
    expect(after.acting).toEqual({ k: 8, beta: 64, chosenOn: 'a test' });
    // The caller's choice wins over the checkpoint's, one setting at a time.
    expect(resolveActing(after, {})).toEqual({ k: 8, beta: 64 });
    expect(resolveActing(after, { beta: 0 })).toEqual({ k: 8, beta: 0 });
    const agent = createCheckpointAgent(after, { name: 'ilql' });
    const step = await agent.act([{ role: 'user', text: 'Hi, what should I do in town?' }]);
    expect(step.candidates?.length).toBeLessThanOrEqual(8);
    agent.dispose?.();
  });

  it('names the file when acting.json is damaged', async () => {
    const copy = await copyOfSaved('acting-bad');
    await writeFile(join(copy, 'acting.json'), '{"k": 0, "beta": 1, "chosenOn": "x"}');
    const error = await rejection(loadCheckpoint(copy));
    expect(error.message).toMatch(/acting\.json: k: /);
    expect(error.hint).toMatch(/Delete acting\.json/);
  });
});

describe('loadCheckpoint errors', () => {
  it('refuses a checkpoint of another task, naming both tasks', async () => {
    const error = await rejection(loadCheckpoint(saved, { task: 'other' }));
    expect(error.message).toContain('"travel"');
    expect(error.message).toContain('"other"');
  });

  it('refuses a format version it does not read, naming the version', async () => {
    const copy = await copyOfSaved('version');
    await writeFile(join(copy, 'config.json'), JSON.stringify({ ...config, formatVersion: 99 }));
    const error = await rejection(loadCheckpoint(copy));
    expect(error.message).toContain('99');
    expect(error.message).toContain(`version ${checkpointFormatVersion}`);
  });

  it('refuses a config.json that is not JSON', async () => {
    const copy = await copyOfSaved('not-json');
    await writeFile(join(copy, 'config.json'), '{"format": "reverie-utterance-model",');
    const error = await rejection(loadCheckpoint(copy));
    expect(error.message).toContain('config.json');
    expect(error.message).toContain('not valid JSON');
  });

  it('refuses a config of another format', async () => {
    const copy = await copyOfSaved('other-format');
    await writeFile(join(copy, 'config.json'), JSON.stringify({ ...config, format: 'something-else' }));
    const error = await rejection(loadCheckpoint(copy));
    expect(error.message).toContain('not a Reverie checkpoint');
  });

  it('refuses a missing folder', async () => {
    const error = await rejection(loadCheckpoint(join(dir, 'does-not-exist')));
    expect(error.message).toContain('ENOENT');
    expect(error.hint).toBeDefined();
  });

  it('refuses weights whose tensor shape does not match the config, naming the tensor', async () => {
    const copy = await copyOfSaved('bad-shape');
    const file = join(copy, 'model.safetensors');
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile(file)));
    const v = tensors['v.w1'];
    if (v === undefined) throw new Error('v.w1 missing from the saved weights');
    expect(v.shape).toEqual([8, 8]);
    const damaged: Record<string, NamedTensor> = { ...tensors, 'v.w1': { ...v, shape: [4, 16] } };
    await writeFile(file, encodeSafetensors(damaged, metadata));
    const error = await rejection(loadCheckpoint(copy));
    expect(error.message).toContain('"v.w1"');
    expect(error.message).toContain('[4,16]');
    expect(error.message).toContain('[8,8]');
  });

  it('refuses weights that miss a tensor', async () => {
    const copy = await copyOfSaved('missing-tensor');
    const file = join(copy, 'model.safetensors');
    const { tensors } = decodeSafetensors(new Uint8Array(await readFile(file)));
    delete tensors['policy.wide'];
    await writeFile(file, encodeSafetensors(tensors));
    const error = await rejection(loadCheckpoint(copy));
    expect(error.message).toContain('"policy.wide" is missing');
  });
});
