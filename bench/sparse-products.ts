/**
 * A first layer's product both ways, for the shapes training meets: the loop over non-zeros
 * (nn/sparse-products.ts) against a dense copy of the rows times the weights on the backend,
 * forward and weight gradient, in ms (median of `runs`). Both give the same bits; the ratio says
 * where `preferSparse` should draw its line.
 *
 * @example
 * const rows = await benchSparseProducts({ runs: 5, input: 1024 });
 */
import * as tf from '@tensorflow/tfjs-core';
import { denseRows, sparseRows } from '../src/nn/sparse-layers.ts';
import type { SparseRows } from '../src/nn/sparse-layers.ts';
import { sparseTimesDense, sparseTransposeTimes } from '../src/nn/sparse-products.ts';
import { createRng } from '../src/util/rng.ts';
import type { ResultRow } from './results.ts';
import { medianOf, msPerCall, repeat } from './sampling.ts';

/** Rows, non-zeros per row and output width: a batch of states, of utterances, of exchanges, and the belief heads' width on countries. */
const shapes = [
  { what: 'states', rows: 128, perRow: 50, width: 64 },
  { what: 'utterances', rows: 128, perRow: 15, width: 64 },
  { what: 'exchanges', rows: 640, perRow: 15, width: 64 },
  { what: 'states, belief head', rows: 128, perRow: 50, width: 210 },
  { what: 'utterances, belief head', rows: 128, perRow: 15, width: 210 },
  { what: 'long states', rows: 128, perRow: 120, width: 64 },
  { what: 'dense rows', rows: 128, perRow: 400, width: 64 },
  { what: 'dense rows, belief head', rows: 128, perRow: 400, width: 210 },
];

const randomRows = (count: number, perRow: number, dimension: number, next: () => number): SparseRows =>
  sparseRows(
    Array.from({ length: count }, () => {
      const indices = new Set<number>();
      while (indices.size < perRow) indices.add(Math.floor(next() * dimension));
      const sorted = Int32Array.from([...indices].sort((a, b) => a - b));
      return { indices: sorted, values: Float32Array.from(sorted, () => next()) };
    }),
    dimension,
  );

export const benchSparseProducts = async ({ runs, input }: { runs: number; input: number }): Promise<ResultRow[]> => {
  const rng = createRng(7);
  const next = () => rng.next();
  const rows: ResultRow[] = [];
  for (const shape of shapes) {
    const x = randomRows(shape.rows, shape.perRow, input, next);
    const w = Float32Array.from({ length: input * shape.width }, () => next() - 0.5);
    const dy = Float32Array.from({ length: shape.rows * shape.width }, () => next() - 0.5);
    const weights = tf.tensor2d(w, [input, shape.width]);
    const gradient = tf.tensor2d(dy, [shape.rows, shape.width]);
    const dense = (transposed: boolean) => () => {
      const copy = transposed ? tf.tensor2d(denseRows(x, true), [input, x.count]) : tf.tensor2d(denseRows(x), [x.count, input]);
      const product = tf.matMul(copy, transposed ? gradient : weights);
      product.dataSync();
      tf.dispose([copy, product]);
    };
    const timed = medianOf(
      await repeat(runs, `first layer, ${shape.what}`, async () => ({
        loop: msPerCall(() => sparseTimesDense(x, w, shape.width)),
        dense: msPerCall(dense(false)),
        loopGradient: msPerCall(() => sparseTransposeTimes(x, dy, shape.width)),
        denseGradient: msPerCall(dense(true)),
      })),
    );
    tf.dispose([weights, gradient]);
    const { loop = NaN, dense: denseMs = NaN, loopGradient = NaN, denseGradient = NaN } = timed;
    rows.push({
      name: `first layer, ${shape.what}: ${shape.rows} rows × ${shape.perRow} non-zeros → ${shape.width}`,
      values: { loopMs: loop, denseMs, denseOverLoop: denseMs / loop, loopGradientMs: loopGradient, denseGradientMs: denseGradient, gradientDenseOverLoop: denseGradient / loopGradient },
    });
  }
  return rows;
};
