import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTokenOptions, travelDialogues } from '../../test/support/token-fixtures.ts';
import { forward, lmLogits } from '../lm/gpt2.ts';
import { loadGpt2Folder } from '../lm/hf-folder.ts';
import { disposeGpt2Parameters } from '../lm/gpt2-params.ts';
import { initBackend } from '../nn/backend.ts';
import { headsFile, isTokenCheckpoint, loadTokenCheckpoint, readTokenInfo, saveTokenActing, TokenCheckpointError, tokenInfoFile } from './checkpoint.ts';
import { stateValues, targetQMin } from './heads.ts';
import { disposeTokenModel } from './model.ts';
import type { TokenModel } from './model.ts';
import { formatPrompt } from './transitions.ts';
import { trainTokenModel } from './trainer.ts';

let folder: string;

beforeAll(async () => {
  await initBackend('wasm');
  folder = await mkdtemp(join(tmpdir(), 'reverie-token-checkpoint-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const turns = [
  { role: 'user', text: 'Hi, any ideas for tomorrow?' },
  { role: 'agent', text: 'What do you enjoy?' },
  { role: 'user', text: 'Museums, mostly.' },
] as const;

/** LM logits, min target Q and V at every position of one prompt, as plain numbers. */
const outputs = (model: TokenModel) =>
  tf.tidy(() => {
    const ids = formatPrompt(turns, model.tokenizer, model.special);
    const hidden = tf.reshape(forward(model.params, model.config, ids).hidden, [ids.length, model.config.n_embd]) as tf.Tensor2D;
    return {
      logits: Array.from(lmLogits(model.params, hidden).dataSync()),
      q: model.heads === undefined ? [] : Array.from(targetQMin(model.heads, hidden).dataSync()),
      v: model.heads === undefined ? [] : Array.from(stateValues(model.heads, hidden).dataSync()),
    };
  });

describe('token checkpoints', () => {
  it('round-trips an ILQL model: the same logits, Q and V after loading, and a GPT-2 folder transformers can read', async () => {
    const dialogues = await travelDialogues(8);
    const out = join(folder, 'ilql');
    const { model, info } = await trainTokenModel(dialogues, tinyTokenOptions({ algorithm: 'token-ilql', steps: 3 }), { task: 'travel', taskVersion: 1, out });
    const before = outputs(model);
    // Numbers worth comparing: Q is not all zeros.
    expect(before.q.some((value) => value !== 0)).toBe(true);
    const loaded = await loadTokenCheckpoint(out, { task: 'travel' });
    expect(outputs(loaded.model)).toEqual(before);
    expect(loaded.info).toEqual(info);
    expect(loaded.info.training.steps).toBe(3);
    expect(loaded.info.special).toEqual(model.special);
    expect(loaded.model.tokenizer.encode('Museums, mostly.')).toEqual(model.tokenizer.encode('Museums, mostly.'));
    // The LM part is a plain GPT-2 folder: config.json, model.safetensors and the tokenizer.
    const plain = await loadGpt2Folder(out);
    expect(plain.config).toEqual(model.config);
    expect(plain.tokenizer?.specialTokenId('<|agent|>')).toBe(model.special.agent);
    disposeGpt2Parameters(plain.params);
    disposeTokenModel(model);
    disposeTokenModel(loaded.model);
  });

  it('writes no heads for BC, and says why it refuses another task or a damaged reverie.json', async () => {
    const out = join(folder, 'bc');
    const { model } = await trainTokenModel(await travelDialogues(6), tinyTokenOptions({ algorithm: 'token-bc', steps: 2 }), { task: 'travel', taskVersion: 1, out });
    disposeTokenModel(model);
    await expect(readFile(join(out, headsFile))).rejects.toThrow();
    expect(await isTokenCheckpoint(out)).toBe(true);
    expect(await isTokenCheckpoint(folder)).toBe(false);
    const loaded = await loadTokenCheckpoint(out);
    expect(loaded.model.heads).toBeUndefined();
    disposeTokenModel(loaded.model);
    await expect(loadTokenCheckpoint(out, { task: 'instruction' })).rejects.toThrow(/trained on task "travel", not "instruction"/);

    await saveTokenActing(out, { beta: 0, greedy: true, chosenOn: 'a test' });
    expect((await readTokenInfo(out)).acting).toEqual({ beta: 0, greedy: true, chosenOn: 'a test' });

    const info = JSON.parse(await readFile(join(out, tokenInfoFile), 'utf8')) as Record<string, unknown>;
    await writeFile(join(out, tokenInfoFile), JSON.stringify({ ...info, algorithm: 'token-magic' }));
    const error = await readTokenInfo(out).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenCheckpointError);
    expect((error as TokenCheckpointError).message).toMatch(/algorithm/);
    await writeFile(join(out, tokenInfoFile), JSON.stringify({ ...info, format: 'reverie-utterance-model' }));
    await expect(readTokenInfo(out)).rejects.toThrow(/not a token-model checkpoint/);
  });
});
