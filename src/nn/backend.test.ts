import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from './backend.ts';

const listenerCounts = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
let listenersBefore: number[] = [];

beforeAll(async () => {
  listenersBefore = listenerCounts();
  await initBackend('wasm');
  // tfjs-core's Node bundle registers no gradients; vitest can load the ESM registrations, which
  // share the engine's global registry, so tf.gather's real gradient exercises the kernel.
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
});

afterEach(async () => {
  await tf.setBackend('wasm');
});

async function on<T>(backend: 'wasm' | 'cpu', f: () => T): Promise<T> {
  await tf.setBackend(backend);
  return f();
}

describe('initBackend', () => {
  it('activates wasm and is idempotent', async () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(await initBackend('cpu')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('removes the process listeners the wasm module installs', () => {
    expect(listenerCounts()).toEqual(listenersBefore);
  });

  it('keeps the cpu backend registered for comparison and fallback', async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  it('matches the cpu backend, dropping out-of-range ids', async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2]);
        const ids = tf.tensor1d([2, 0, 2, -1, 7], 'int32');
        return tf.unsortedSegmentSum(x, ids, 4).arraySync();
      });
    const wasm = await on('wasm', run);
    expect(wasm).toEqual(await on('cpu', run));
    expect(wasm).toEqual([[3, 4], [0, 0], [6, 8], [0, 0]]);
  });

  it('keeps int32 values int32', async () => {
    await tf.setBackend('wasm');
    const out = tf.tidy(() => {
      const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
      const summed = tf.unsortedSegmentSum(x, tf.tensor1d([1, 1], 'int32'), 3);
      return { dtype: summed.dtype, values: summed.arraySync() };
    });
    expect(out).toEqual({ dtype: 'int32', values: [[[0, 0], [0, 0]], [[6, 8], [10, 12]], [[0, 0], [0, 0]]] });
  });

  it('gives tf.gather gradients equal to cpu and to a hand-computed scatter-add', async () => {
    const table = Array.from({ length: 6 * 3 }, (_, i) => Math.sin(i));
    const upstream = Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.cos(i));
    const indices = [[0, 5, 5, 2], [1, 0, 3, 5]];
    const gradient = (axis: 0 | 1) => () =>
      tf.tidy(() => {
        const params = axis === 0 ? tf.tensor2d(table, [6, 3]) : tf.tensor2d(table, [3, 6]);
        const dy = axis === 0 ? tf.tensor3d(upstream, [2, 4, 3]) : tf.tensor3d(upstream, [3, 2, 4]);
        const idx = tf.tensor2d(indices, [2, 4], 'int32');
        const [grad] = tf.grads((p: tf.Tensor) => tf.gather(p, idx, axis))([params], dy);
        return Array.from((grad as tf.Tensor).dataSync());
      });
    const expected = new Array<number>(18).fill(0);
    indices.flat().forEach((row, i) => {
      for (let j = 0; j < 3; j++) expected[row * 3 + j] = (expected[row * 3 + j] as number) + (upstream[i * 3 + j] as number);
    });
    for (const axis of [0, 1] as const) {
      const wasm = await on('wasm', gradient(axis));
      const cpu = await on('cpu', gradient(axis));
      expect(wasm).toHaveLength(18);
      wasm.forEach((value, i) => expect(value).toBeCloseTo(cpu[i] as number, 5));
      if (axis === 0) wasm.forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 5));
    }
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    tf.tidy(() => {
      tf.unsortedSegmentSum(tf.ones([4, 2]), tf.tensor1d([1, 1, 0, 2], 'int32'), 3);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.backend().numDataIds()).toBe(dataIds);
  });
});

describe('initBackend fallback', () => {
  it('falls back to cpu with a one-line warning when wasm cannot load', async () => {
    vi.resetModules();
    vi.doMock('@tensorflow/tfjs-backend-wasm', () => {
      throw new Error('simulated missing wasm binary\nsecond line');
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const fresh = await import('./backend.ts');
      expect(await fresh.initBackend('wasm')).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
      const warnings = stderr.mock.calls.map(([text]) => String(text));
      expect(warnings).toHaveLength(1);
      // vitest rewords errors thrown by mock factories, so only the shape of the line is checked.
      expect(warnings[0]).toMatch(/^reverie: WASM backend unavailable \([^\n]+\); using the slower cpu backend\n$/);
    } finally {
      stderr.mockRestore();
      vi.doUnmock('@tensorflow/tfjs-backend-wasm');
    }
  });
});
