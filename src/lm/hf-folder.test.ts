import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.ts';
import { decodeSafetensors } from '../nn/safetensors.ts';
import { createRng } from '../util/rng.ts';
import { TokenizerFolderError } from './bpe-files.ts';
import { trainBpe } from './bpe-train.ts';
import { Gpt2ConfigError, tinyGpt2Config } from './gpt2-config.ts';
import type { Gpt2Config } from './gpt2-config.ts';
import { disposeGpt2Parameters, initGpt2Parameters } from './gpt2-params.ts';
import type { Gpt2Parameters } from './gpt2-params.ts';
import { forward, lmLogits } from './gpt2.ts';
import { halfToFloat } from './half-precision.ts';
import { Gpt2FolderError, loadGpt2Folder, saveGpt2Folder } from './hf-folder.ts';

const specialTokens = ['<|endoftext|>', '<|user|>', '<|agent|>', '<|end|>'];
const tokenizer = trainBpe(['<|user|>Where is my order?<|end|><|agent|>It ships today.<|end|>'], { vocabSize: 280, specialTokens });
const config = tinyGpt2Config({ vocab_size: 300, n_positions: 32, n_embd: 16, n_layer: 2, n_head: 2 });
const ids = tokenizer.encode('<|user|>Where is it?<|end|><|agent|>');
let folder: string;
let params: Gpt2Parameters;

beforeAll(async () => {
  await initBackend('wasm');
  folder = await mkdtemp(join(tmpdir(), 'reverie-gpt2-'));
  params = initGpt2Parameters(config, createRng('folder-test'));
});

afterAll(async () => {
  disposeGpt2Parameters(params);
  await rm(folder, { recursive: true, force: true });
});

const logits = (p: Gpt2Parameters, c: Gpt2Config) => tf.tidy(() => Array.from(lmLogits(p, forward(p, c, ids).hidden).dataSync()));
const maxDifference = (a: number[], b: number[]) => a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - (b[i] as number))), 0);
const sub = async (name: string) => {
  const dir = join(folder, name);
  await saveGpt2Folder(dir, config, params);
  return dir;
};

/** A safetensors file from raw entries, so tests can write dtypes and names our encoder does not. */
function rawSafetensors(entries: { name: string; dtype: string; shape: number[]; bytes: Uint8Array }[]): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let at = 0;
  for (const { name, dtype, shape, bytes } of entries) {
    header[name] = { dtype, shape, data_offsets: [at, at + bytes.length] };
    at += bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header).padEnd(Math.ceil(JSON.stringify(header).length / 8) * 8, ' '));
  const out = Buffer.alloc(8 + json.length + at);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  let offset = 8 + json.length;
  for (const { bytes } of entries) {
    out.set(bytes, offset);
    offset += bytes.length;
  }
  return out;
}

/** float32 → bfloat16 by truncation, and the float32 that bfloat16 stands for. */
const bf16 = (values: Float32Array) => {
  const words = new Uint32Array(Float32Array.from(values).buffer);
  const halves = Uint16Array.from(words, (w) => w >>> 16);
  return { bytes: new Uint8Array(halves.buffer), values: new Float32Array(Uint32Array.from(halves, (h) => h << 16).buffer) };
};

describe('saveGpt2Folder / loadGpt2Folder', () => {
  it('round-trips weights, config and tokenizer: the same logits and encodings after loading', async () => {
    const dir = join(folder, 'round-trip');
    await saveGpt2Folder(dir, config, params, tokenizer);
    const loaded = await loadGpt2Folder(dir);
    expect(loaded.config).toEqual(config);
    expect(maxDifference(logits(loaded.params, loaded.config), logits(params, config))).toBeLessThan(1e-6);
    expect(loaded.tokenizer?.encode('<|user|>Where is it?<|end|><|agent|>')).toEqual(ids);
    expect([...loaded.tokenizer!.specialTokens]).toEqual([...tokenizer.specialTokens]);
    disposeGpt2Parameters(loaded.params);
  });

  it('writes the files transformers expects', async () => {
    const dir = join(folder, 'round-trip');
    const json = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(json).toMatchObject({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], n_embd: 16, n_ctx: 32, vocab_size: 300 });
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile(join(dir, 'model.safetensors'))));
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors['h.1.attn.c_attn.weight']?.shape).toEqual([16, 48]);
    expect(tensors['wte.weight']?.dtype).toBe('F32');
    const tokenizerConfig = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'));
    expect(tokenizerConfig.added_tokens_decoder['1']).toMatchObject({ content: '<|user|>', special: true });
    expect(tokenizerConfig.eos_token).toBe('<|endoftext|>');
    expect((await readFile(join(dir, 'merges.txt'), 'utf8')).startsWith('#version: 0.2\n')).toBe(true);
  });

  it('accepts the transformer. prefix, mask buffers, a tied lm_head copy and BF16/F16 weights', async () => {
    const dir = await sub('variants');
    const { tensors } = decodeSafetensors(new Uint8Array(await readFile(join(dir, 'model.safetensors'))));
    const entries = Object.entries(tensors).map(([name, t]) => ({ name: `transformer.${name}`, dtype: 'F32', shape: t.shape, bytes: new Uint8Array((t.data as Float32Array).buffer) }));
    // wte as BF16, wpe as F16 with values F16 holds exactly (k / 1024, |k| ≤ 1024).
    const wte = bf16(tensors['wte.weight']!.data as Float32Array);
    const wpeValues = Float32Array.from(tensors['wpe.weight']!.data as Float32Array, (x) => Math.round(Math.max(-1, Math.min(1, x * 20)) * 1024) / 1024 + 0); // + 0: no -0
    const f16 = Uint16Array.from(wpeValues, (x) => {
      if (x === 0) return 0;
      const exponent = Math.floor(Math.log2(Math.abs(x)));
      return (x < 0 ? 0x8000 : 0) | ((exponent + 15) << 10) | Math.round((Math.abs(x) / 2 ** exponent - 1) * 1024);
    });
    for (const entry of entries) {
      if (entry.name === 'transformer.wte.weight') Object.assign(entry, { dtype: 'BF16', bytes: wte.bytes });
      if (entry.name === 'transformer.wpe.weight') Object.assign(entry, { dtype: 'F16', bytes: new Uint8Array(f16.buffer) });
    }
    const mask = new Uint8Array(new Float32Array(32 * 32).fill(1).buffer);
    entries.push({ name: 'transformer.h.0.attn.bias', dtype: 'F32', shape: [1, 1, 32, 32], bytes: mask }, { name: 'lm_head.weight', dtype: 'BF16', shape: [300, 16], bytes: wte.bytes });
    await writeFile(join(dir, 'model.safetensors'), rawSafetensors(entries));
    const loaded = await loadGpt2Folder(dir);
    expect(Array.from(loaded.params.get('wte.weight')!.dataSync())).toEqual(Array.from(wte.values));
    expect(Array.from(loaded.params.get('wpe.weight')!.dataSync())).toEqual(Array.from(wpeValues));
    expect(loaded.tokenizer).toBeUndefined();
    disposeGpt2Parameters(loaded.params);
  });
});

describe('loadGpt2Folder errors', () => {
  it('names a missing folder, config.json or model.safetensors and says what to do', async () => {
    await expect(loadGpt2Folder(join(folder, 'nope'))).rejects.toThrow(/config\.json is missing/);
    const dir = await sub('no-weights');
    await rm(join(dir, 'model.safetensors'));
    const error = await loadGpt2Folder(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Gpt2FolderError);
    expect((error as Gpt2FolderError).message).toMatch(/model\.safetensors is missing/);
    expect((error as Gpt2FolderError).hint).toMatch(/safetensors/);
  });

  it('rejects unreadable or unusable configs', async () => {
    const dir = await sub('bad-config');
    await writeFile(join(dir, 'config.json'), '{ not json');
    await expect(loadGpt2Folder(dir)).rejects.toThrow(/not valid JSON/);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, n_head: 3 }));
    await expect(loadGpt2Folder(dir)).rejects.toThrow(Gpt2ConfigError);
  });

  it('lists missing and unexpected tensors, and names a tensor of the wrong shape', async () => {
    const dir = await sub('mismatch');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, n_layer: 3 }));
    await expect(loadGpt2Folder(dir)).rejects.toThrow(/missing h\.2\.ln_1\.weight, h\.2\.ln_1\.bias/);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, n_layer: 1 }));
    await expect(loadGpt2Folder(dir)).rejects.toThrow(/unexpected h\.1\.ln_1\.weight/);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, n_positions: 64 }));
    await expect(loadGpt2Folder(dir)).rejects.toThrow(/tensor wpe\.weight is F32 \[32,16\], expected float \[64,16\]/);
  });

  it('refuses half a tokenizer, or one with more ids than the model', async () => {
    const dir = join(folder, 'tokenizer-mismatch');
    await saveGpt2Folder(dir, config, params, tokenizer);
    await rm(join(dir, 'merges.txt'));
    await expect(loadGpt2Folder(dir)).rejects.toThrow(TokenizerFolderError);
    const small = tinyGpt2Config({ ...config, vocab_size: tokenizer.vocabSize - 1 });
    const smallParams = initGpt2Parameters(small, createRng(1));
    await expect(saveGpt2Folder(dir, small, smallParams, tokenizer)).rejects.toThrow(`tokenizer has ${tokenizer.vocabSize} ids but the model only ${tokenizer.vocabSize - 1}`);
    await expect(saveGpt2Folder(dir, config, smallParams)).rejects.toThrow(`parameter wte.weight is [${tokenizer.vocabSize - 1},16]`);
    disposeGpt2Parameters(smallParams);
  });
});

describe('halfToFloat', () => {
  it('decodes IEEE binary16 bit patterns', () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0000, 0x8000, 0x3555].map(halfToFloat)).toEqual([1, -2, 65504, 2 ** -24, 0, -0, 0.333251953125]);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });
});
