/**
 * Achieved GFLOP/s of the training step's main matrix product (a batch of hashed features
 * through an encoder's first layer) against the library's own best on this machine, measured on
 * a large square product. Tells how much of the step time is the matrix work at peak speed and
 * how much is overhead around it.
 *
 * @example
 * const rows = await benchFlops({ runs: 5, batch: 128, input: 1024, hidden: 64 });
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResultRow } from './results.ts';
import { medianOf, repeat } from './sampling.ts';

export type FlopsBenchOptions = { runs: number; batch: number; input: number; hidden: number };

/** GFLOP/s of `m×k · k×n`, timed over enough repetitions to last about 200 ms. */
const gflops = async (m: number, k: number, n: number): Promise<number> => {
  const a = tf.randomUniform([m, k]) as tf.Tensor2D;
  const b = tf.randomUniform([k, n]) as tf.Tensor2D;
  const once = () => tf.tidy(() => tf.matMul(a, b).dataSync());
  once();
  const flop = 2 * m * k * n;
  const started = performance.now();
  let repetitions = 0;
  while (performance.now() - started < 200) {
    once();
    repetitions += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  a.dispose();
  b.dispose();
  return (flop * repetitions) / seconds / 1e9;
};

export const benchFlops = async (options: FlopsBenchOptions): Promise<ResultRow[]> => {
  const peak = medianOf(await repeat(options.runs, 'matmul 512×512·512×512', async () => ({ gflops: await gflops(512, 512, 512) }))).gflops ?? NaN;
  const { batch, input, hidden } = options;
  const forward = medianOf(await repeat(options.runs, `matmul ${batch}×${input}·${input}×${hidden}`, async () => ({ gflops: await gflops(batch, input, hidden) }))).gflops ?? NaN;
  // The weight gradient of that layer: its transpose product, input×batch · batch×hidden.
  const gradient = medianOf(await repeat(options.runs, `matmul ${input}×${batch}·${batch}×${hidden}`, async () => ({ gflops: await gflops(input, batch, hidden) }))).gflops ?? NaN;
  return [
    { name: 'peak: 512×512·512×512', values: { gflops: peak, ofPeak: 1 } },
    { name: `encoder forward: ${batch}×${input}·${input}×${hidden}`, values: { gflops: forward, ofPeak: forward / peak } },
    { name: `encoder weight gradient: ${input}×${batch}·${batch}×${hidden}`, values: { gflops: gradient, ofPeak: gradient / peak } },
  ];
};
