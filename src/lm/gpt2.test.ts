import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.ts';
import { createRng } from '../util/rng.ts';
import { Gpt2ConfigError, parseGpt2Config, tinyGpt2Config } from './gpt2-config.ts';
import type { Gpt2Config } from './gpt2-config.ts';
import { Gpt2InputError } from './gpt2-input.ts';
import { disposeGpt2Parameters, getParameter, gpt2ParameterShapes, growVocabulary, initGpt2Parameters } from './gpt2-params.ts';
import type { Gpt2Parameters } from './gpt2-params.ts';
import { forward, lmLogits, lmLoss } from './gpt2.ts';

const config = tinyGpt2Config({ vocab_size: 50, n_positions: 16, n_embd: 16, n_layer: 2, n_head: 4 });
let params: Gpt2Parameters;

beforeAll(async () => {
  await initBackend('wasm');
  params = initGpt2Parameters(config, createRng('gpt2-test'));
  // GPT-2's small initial weights make attention nearly uniform and GELU nearly linear, which
  // would hide mistakes in either; weights of order 1/√fan-in (and random gains and biases) do not.
  const rng = createRng('rescale');
  for (const [name, variable] of params) {
    const fanIn = variable.shape.length === 2 && !name.startsWith('w') ? (variable.shape[0] as number) : 1;
    const values = Float32Array.from({ length: variable.size }, () => (2 * rng.next() - 1) * 1.5 / Math.sqrt(fanIn));
    variable.assign(tf.tensor(values, variable.shape));
  }
});

afterAll(() => disposeGpt2Parameters(params));

const logitsOf = (ids: number[], options: { batch?: number; attentionMask?: number[] } = {}): number[] =>
  tf.tidy(() => Array.from(lmLogits(params, forward(params, config, ids, options).hidden).dataSync()));

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
};

/** GPT-2 written out with plain loops in float64, following the Hugging Face definition. */
function referenceLogits(p: Gpt2Parameters, c: Gpt2Config, ids: number[]): number[] {
  const w = (name: string) => Array.from(getParameter(p, name).dataSync());
  const d = c.n_embd;
  const heads = c.n_head;
  const size = d / heads;
  const dense = (x: number[][], name: string) => {
    const weight = w(`${name}.weight`);
    const bias = w(`${name}.bias`);
    const out = bias.length;
    return x.map((row) => bias.map((b, j) => row.reduce((sum, v, i) => sum + v * (weight[i * out + j] as number), b)));
  };
  const norm = (x: number[][], name: string) => {
    const gain = w(`${name}.weight`);
    const bias = w(`${name}.bias`);
    return x.map((row) => {
      const mean = row.reduce((a, b) => a + b, 0) / row.length;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
      return row.map((v, i) => ((v - mean) / Math.sqrt(variance + c.layer_norm_epsilon)) * (gain[i] as number) + (bias[i] as number));
    });
  };
  const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  const wte = w('wte.weight');
  const wpe = w('wpe.weight');
  let x = ids.map((id, t) => Array.from({ length: d }, (_, j) => (wte[id * d + j] as number) + (wpe[t * d + j] as number)));
  for (let layer = 0; layer < c.n_layer; layer++) {
    const qkv = dense(norm(x, `h.${layer}.ln_1`), `h.${layer}.attn.c_attn`);
    const merged = x.map(() => new Array<number>(d).fill(0));
    for (let h = 0; h < heads; h++) {
      const part = (row: number[], which: number) => row.slice(which * d + h * size, which * d + (h + 1) * size);
      for (let i = 0; i < ids.length; i++) {
        const q = part(qkv[i] as number[], 0);
        const scores = Array.from({ length: i + 1 }, (_, j) => q.reduce((s, v, k) => s + v * (part(qkv[j] as number[], 1)[k] as number), 0) / Math.sqrt(size));
        const top = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - top));
        const total = exps.reduce((a, b) => a + b, 0);
        for (let j = 0; j <= i; j++) {
          const value = part(qkv[j] as number[], 2);
          for (let k = 0; k < size; k++) (merged[i] as number[])[h * size + k]! += ((exps[j] as number) / total) * (value[k] as number);
        }
      }
    }
    x = x.map((row, i) => row.map((v, j) => v + (dense([merged[i] as number[]], `h.${layer}.attn.c_proj`)[0] as number[])[j]!));
    const inner = dense(norm(x, `h.${layer}.ln_2`), `h.${layer}.mlp.c_fc`).map((row) => row.map(gelu));
    const mlp = dense(inner, `h.${layer}.mlp.c_proj`);
    x = x.map((row, i) => row.map((v, j) => v + (mlp[i] as number[])[j]!));
  }
  const hidden = norm(x, 'ln_f');
  return hidden.flatMap((row) => Array.from({ length: c.vocab_size }, (_, token) => row.reduce((s, v, j) => s + v * (wte[token * d + j] as number), 0)));
}

describe('GPT-2 forward', () => {
  it('matches a plain-loop implementation of the Hugging Face definition', () => {
    const ids = [3, 17, 42, 0, 9, 9, 31];
    const reference = referenceLogits(params, config, ids);
    expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(1);
    expect(maxDifference(logitsOf(ids), reference)).toBeLessThan(1e-4);
  });

  it('returns [B, T, d] hidden states and [B, T, vocab] logits for tensors and flat arrays', () => {
    tf.tidy(() => {
      const ids = tf.tensor2d([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]], [2, 5], 'int32');
      const { hidden } = forward(params, config, ids);
      expect(hidden.shape).toEqual([2, 5, 16]);
      expect(lmLogits(params, hidden).shape).toEqual([2, 5, 50]);
      const flat = forward(params, config, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { batch: 2 }).hidden;
      expect(maxDifference(flat.dataSync(), hidden.dataSync())).toBe(0);
    });
  });

  it('is causal: changing a later token leaves earlier logits unchanged', () => {
    const before = logitsOf([5, 6, 7, 8, 9, 10]);
    const after = logitsOf([5, 6, 7, 30, 9, 10]);
    const v = config.vocab_size;
    expect(maxDifference(before.slice(0, 3 * v), after.slice(0, 3 * v))).toBeLessThan(1e-6);
    expect(maxDifference(before.slice(3 * v), after.slice(3 * v))).toBeGreaterThan(1e-3);
  });

  it('gives padded rows the logits of the unpadded sequence, with left or right padding', () => {
    const alone = logitsOf([11, 12, 13]);
    const other = [21, 22, 23, 24, 25];
    const v = config.vocab_size;
    const left = logitsOf([...other, 0, 0, 11, 12, 13], { batch: 2, attentionMask: [1, 1, 1, 1, 1, 0, 0, 1, 1, 1] });
    expect(maxDifference(left.slice(5 * v + 2 * v), alone)).toBeLessThan(1e-4);
    expect(maxDifference(left.slice(0, 5 * v), logitsOf(other))).toBeLessThan(1e-4);
    const right = logitsOf([11, 12, 13, 0, 0, ...other], { batch: 2, attentionMask: [1, 1, 1, 0, 0, 1, 1, 1, 1, 1] });
    expect(maxDifference(right.slice(0, 3 * v), alone)).toBeLessThan(1e-4);
  });

  it('rejects ids outside the vocabulary, overlong rows and malformed masks', () => {
    expect(() => forward(params, config, [1, 50])).toThrow(Gpt2InputError);
    expect(() => forward(params, config, [1, -1])).toThrow(/outside the vocabulary/);
    expect(() => forward(params, config, new Array(17).fill(1))).toThrow(/n_positions = 16/);
    expect(() => forward(params, config, [1, 2, 3], { batch: 2 })).toThrow(/equal non-empty rows/);
    expect(() => forward(params, config, [1, 2], { attentionMask: [1] })).toThrow(/mask has 1 entries/);
    expect(() => forward(params, config, [1, 2], { attentionMask: [1, 2] })).toThrow(/other than 0 and 1/);
  });
});

describe('lmLoss', () => {
  const v = config.vocab_size;
  const crossEntropy = (logits: number[], row: number, target: number) => {
    const slice = logits.slice(row * v, (row + 1) * v);
    const top = Math.max(...slice);
    return Math.log(slice.reduce((a, z) => a + Math.exp(z - top), 0)) + top - (slice[target] as number);
  };

  it('is the mean next-token cross-entropy over selected, unpadded targets', () => {
    const ids = [4, 8, 15, 16, 23, 42];
    const logits = logitsOf(ids);
    const all = [1, 2, 3, 4, 5].map((t) => crossEntropy(logits, t - 1, ids[t] as number));
    const loss = (options: Parameters<typeof lmLoss>[3]) => tf.tidy(() => lmLoss(params, config, ids, options).dataSync()[0] as number);
    expect(loss({})).toBeCloseTo(all.reduce((a, b) => a + b, 0) / 5, 4);
    expect(loss({ lossMask: [0, 0, 0, 1, 0, 1] })).toBeCloseTo(((all[2] as number) + (all[4] as number)) / 2, 4);
    expect(() => lmLoss(params, config, ids, { lossMask: [1, 0, 0, 0, 0, 0] })).toThrow(/no token is left/);
    expect(() => lmLoss(params, config, ids, { lossMask: [1, 0, 0, 0, 0] })).toThrow(/loss mask has 5 entries/);
  });

  it('decreases under a few Adam steps on a fixed sequence, reaching every parameter', () => {
    const model = initGpt2Parameters(config, createRng('adam'));
    const ids = [7, 3, 9, 1, 7, 3, 9, 1, 7, 3, 9, 1];
    const variables = [...model.values()];
    const { grads } = tf.variableGrads(() => lmLoss(model, config, ids), variables);
    for (const [name, gradient] of Object.entries(grads)) {
      expect(tf.tidy(() => tf.max(tf.abs(gradient)).dataSync()[0]), name).toBeGreaterThan(0);
    }
    tf.dispose(Object.values(grads));
    const optimizer = tf.train.adam(1e-2);
    const losses: number[] = [];
    for (let step = 0; step < 25; step++) {
      const loss = optimizer.minimize(() => lmLoss(model, config, ids), true, variables) as tf.Scalar;
      losses.push(loss.dataSync()[0] as number);
      loss.dispose();
    }
    optimizer.dispose();
    disposeGpt2Parameters(model);
    expect(losses[0]).toBeGreaterThan(3.5); // ≈ ln 50 for a fresh model
    expect(losses.at(-1)).toBeLessThan(0.5 * (losses[0] as number));
  });
});

describe('GPT-2 parameters', () => {
  it('are named and shaped like Hugging Face GPT-2, seeded, with GPT-2 initial scales', () => {
    const a = initGpt2Parameters(config, createRng(7));
    const b = initGpt2Parameters(config, createRng(7));
    expect([...a.keys()]).toEqual([...gpt2ParameterShapes(config).keys()]);
    expect(a.get('h.1.attn.c_attn.weight')?.shape).toEqual([16, 48]);
    expect(a.get('h.0.mlp.c_proj.weight')?.shape).toEqual([64, 16]);
    expect(maxDifference(a.get('wte.weight')!.dataSync(), b.get('wte.weight')!.dataSync())).toBe(0);
    const std = (name: string) => tf.tidy(() => Math.sqrt(tf.moments(a.get(name)!).variance.dataSync()[0] as number));
    expect(std('wte.weight')).toBeCloseTo(0.02, 2);
    expect(std('h.0.mlp.c_proj.weight')).toBeCloseTo(0.01, 2); // 0.02 / √(2 · 2 layers)
    expect(Array.from(a.get('h.0.ln_1.weight')!.dataSync()).every((g) => g === 1)).toBe(true);
    disposeGpt2Parameters(a);
    disposeGpt2Parameters(b);
  });

  it('grow the vocabulary with mean-initialised rows', () => {
    const model = initGpt2Parameters(config, createRng(8));
    const grown = growVocabulary(model, config, 53);
    expect(grown.vocab_size).toBe(53);
    const wte = model.get('wte.weight')!;
    expect(wte.shape).toEqual([53, 16]);
    const rows = wte.arraySync() as number[][];
    const mean = (rows[0] as number[]).map((_, j) => rows.slice(0, 50).reduce((s, r) => s + (r[j] as number), 0) / 50);
    expect(maxDifference(rows[52] as number[], mean)).toBeLessThan(1e-6);
    expect(() => growVocabulary(model, grown, 10)).toThrow(/cannot go from 53 to 10/);
    disposeGpt2Parameters(model);
  });
});

describe('GPT-2 config', () => {
  it('accepts Hugging Face configs with unknown keys and rejects unusable ones', () => {
    const hf = { vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12, resid_pdrop: 0.1, task_specific_params: {}, n_ctx: 1024 };
    expect(parseGpt2Config(hf)).toMatchObject({ vocab_size: 50257, layer_norm_epsilon: 1e-5, activation_function: 'gelu_new', n_inner: null });
    expect(() => parseGpt2Config({ ...hf, n_head: 5 })).toThrow(Gpt2ConfigError);
    expect(() => parseGpt2Config({ ...hf, activation_function: 'relu' })).toThrow(/activation_function/);
    expect(() => parseGpt2Config({ ...hf, tie_word_embeddings: false })).toThrow(/tied/);
  });
});
