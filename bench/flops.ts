/**
 * Achieved GFLOP/s of the training step's main matrix products (a batch of hashed features
 * through an encoder's first layer, and its weight gradient) against the library's own best on
 * this machine: the fastest of those and of square products of several sizes. Tells how much of the step time is the matrix work at peak speed and
 * how much is overhead around it.
 *
 * @example
 * const rows = await benchFlops({ runs: 5, batch: 128, input: 1024, hidden: 64 });
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResultRow } from './results.ts';
import { medianOf, msPerCall, repeat } from './sampling.ts';

export type FlopsBenchOptions = { runs: number; batch: number; input: number; hidden: number };

/** GFLOP/s of `m×k · k×n`, timed over enough repetitions to last about 200 ms. */
const gflops = async (m: number, k: number, n: number): Promise<number> => {
  const uniform = (rows: number, cols: number) => tf.tensor2d(Float32Array.from({ length: rows * cols }, () => Math.random()), [rows, cols]);
  const a = uniform(m, k);
  const b = uniform(k, n);
  // Not tf.tidy(() => …dataSync()): tidy walks a returned typed array element by element looking
  // for tensors, which costs more than the product itself.
  const once = () => {
    const product = tf.matMul(a, b);
    product.dataSync();
    product.dispose();
  };
  const ms = msPerCall(once, 200);
  a.dispose();
  b.dispose();
  return (2 * m * k * n) / (ms / 1000) / 1e9;
};

export const benchFlops = async (options: FlopsBenchOptions): Promise<ResultRow[]> => {
  const measure = async (label: string, m: number, k: number, n: number) => ({ label, gflops: medianOf(await repeat(options.runs, `matmul ${label}`, async () => ({ gflops: await gflops(m, k, n) }))).gflops ?? NaN });
  const { batch, input, hidden } = options;
  const squares = [];
  for (const size of [256, 512, 1024]) squares.push(await measure(`${size}×${size}·${size}×${size}`, size, size, size));
  const forward = await measure(`encoder forward: ${batch}×${input}·${input}×${hidden}`, batch, input, hidden);
  // The weight gradient of that layer: its transpose product, input×batch · batch×hidden.
  const gradient = await measure(`encoder weight gradient: ${input}×${batch}·${batch}×${hidden}`, input, batch, hidden);
  // The library's best on this machine: the fastest of every product measured here.
  const rows = [...squares, forward, gradient];
  const peak = Math.max(...rows.map((row) => row.gflops));
  return rows.map((row) => ({ name: row.label, values: { gflops: row.gflops, ofPeak: row.gflops / peak } }));
};
