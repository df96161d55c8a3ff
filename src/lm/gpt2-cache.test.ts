import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.ts';
import { createRng } from '../util/rng.ts';
import { disposeKvCache, forwardWithCache } from './gpt2-cache.ts';
import type { KvCache } from './gpt2-cache.ts';
import { tinyGpt2Config } from './gpt2-config.ts';
import { Gpt2InputError } from './gpt2-input.ts';
import { disposeGpt2Parameters, initGpt2Parameters } from './gpt2-params.ts';
import type { Gpt2Parameters } from './gpt2-params.ts';
import { forward, lmLogits, transposeEmbedding } from './gpt2.ts';

const config = tinyGpt2Config({ vocab_size: 40, n_positions: 12, n_embd: 16, n_layer: 2, n_head: 2 });
let params: Gpt2Parameters;

beforeAll(async () => {
  await initBackend('wasm');
  params = initGpt2Parameters(config, createRng('cache-test'));
  // Order-1 weights, so that attending to the wrong keys would change the logits visibly.
  const rng = createRng('rescale');
  for (const variable of params.values()) {
    const fanIn = variable.shape.length === 2 ? (variable.shape[0] as number) : 1;
    variable.assign(tf.tensor(Float32Array.from({ length: variable.size }, () => ((2 * rng.next() - 1) * 1.5) / Math.sqrt(fanIn)), variable.shape));
  }
});

afterAll(() => disposeGpt2Parameters(params));

const v = config.vocab_size;
const logits = (hidden: tf.Tensor3D) => tf.tidy(() => Array.from(lmLogits(params, hidden).dataSync()));
const fullLogits = (ids: number[], options: { batch?: number; attentionMask?: number[] } = {}) =>
  tf.tidy(() => Array.from(lmLogits(params, forward(params, config, ids, options).hidden).dataSync()));

const maxDifference = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - (b[i] as number))), 0);
};

/** Feeds `chunks` (per-row tokens per call) through the cache; returns every call's logits. */
function decodeInChunks(chunks: { ids: number[]; mask?: number[] }[], batch: number): number[][] {
  let cache: KvCache | undefined;
  const out: number[][] = [];
  for (const chunk of chunks) {
    const result = forwardWithCache(params, config, chunk.ids, cache, { batch, ...(chunk.mask ? { attentionMask: chunk.mask } : {}) });
    out.push(logits(result.hidden));
    result.hidden.dispose();
    if (cache !== undefined) disposeKvCache(cache);
    cache = result.cache;
  }
  if (cache !== undefined) disposeKvCache(cache);
  return out;
}

describe('forwardWithCache', () => {
  it('gives one-token-at-a-time decoding the logits of a full forward pass', () => {
    const ids = [5, 9, 2, 33, 7, 7, 18, 1];
    const full = fullLogits(ids);
    const steps = decodeInChunks([{ ids: ids.slice(0, 4) }, ...ids.slice(4).map((id) => ({ ids: [id] }))], 1);
    expect(maxDifference(steps.flat(), full)).toBeLessThan(1e-4);
  });

  it('handles a left-padded batch: each row matches its unpadded sequence', () => {
    const rows = [[3, 4, 5, 6, 7], [8, 9, 10]];
    const prompt = [...rows[0]!.slice(0, 3), 0, 8, 9];
    const mask = [1, 1, 1, 0, 1, 1];
    const steps = decodeInChunks([{ ids: prompt, mask }, { ids: [6, 10] }, { ids: [7, 11] }], 2);
    const alone0 = fullLogits([3, 4, 5, 6, 7]);
    const alone1 = fullLogits([8, 9, 10, 11]);
    // Row 0, prompt then two steps; row 1 has one pad, so its real tokens sit one place later.
    expect(maxDifference(steps[0]!.slice(0, 3 * v), alone0.slice(0, 3 * v))).toBeLessThan(1e-4);
    expect(maxDifference(steps[0]!.slice(4 * v, 6 * v), alone1.slice(0, 2 * v))).toBeLessThan(1e-4);
    expect(maxDifference(steps[1]!.slice(0, v), alone0.slice(3 * v, 4 * v))).toBeLessThan(1e-4);
    expect(maxDifference(steps[1]!.slice(v), alone1.slice(2 * v, 3 * v))).toBeLessThan(1e-4);
    expect(maxDifference(steps[2]!.slice(v), alone1.slice(3 * v))).toBeLessThan(1e-4);
  });

  it('matches the full pass when the prompt is fed in several chunks, and with a transposed embedding', () => {
    const ids = [1, 2, 3, 4, 5, 6, 7];
    const chunked = decodeInChunks([{ ids: [1, 2, 3] }, { ids: [4, 5] }, { ids: [6, 7] }], 1).flat();
    expect(maxDifference(chunked, fullLogits(ids))).toBeLessThan(1e-4);
    tf.tidy(() => {
      const { hidden, cache } = forwardWithCache(params, config, ids, undefined);
      const wteT = transposeEmbedding(params);
      expect(maxDifference(Array.from(lmLogits(params, hidden, { transposedEmbedding: wteT }).dataSync()), fullLogits(ids))).toBeLessThan(1e-4);
      disposeKvCache(cache);
    });
  });

  it('leaves the given cache usable, and disposing caches frees their tensors', () => {
    const before = tf.memory().numTensors;
    const first = forwardWithCache(params, config, [1, 2, 3], undefined);
    const branchA = forwardWithCache(params, config, [4], first.cache);
    const branchB = forwardWithCache(params, config, [9], first.cache);
    expect(branchA.cache.length).toBe(4);
    expect(Array.from(branchB.cache.seen)).toEqual([4]);
    expect(maxDifference(logits(branchB.hidden), fullLogits([1, 2, 3, 9]).slice(3 * v))).toBeLessThan(1e-4);
    for (const { hidden, cache } of [first, branchA, branchB]) {
      hidden.dispose();
      disposeKvCache(cache);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to run past n_positions or with a different batch size', () => {
    const { hidden, cache } = forwardWithCache(params, config, new Array(12).fill(3), undefined);
    expect(() => forwardWithCache(params, config, [3], cache)).toThrow(Gpt2InputError);
    expect(() => forwardWithCache(params, config, [3, 3], cache, { batch: 2 })).toThrow(/holds 1 rows but 2/);
    hidden.dispose();
    disposeKvCache(cache);
  });
});
