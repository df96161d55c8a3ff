/**
 * Packs the exchange rows of a batch of states (see embed/dialogue.ts) into the form the state
 * encoder reads: all rows one after another, with the pooling matrices that say which rows are
 * whose and which is each state's latest.
 *
 * @example
 * const exchanges = exchangeRows([embedder.embedExchanges(turnsA), embedder.embedExchanges(turnsB)], 1024);
 * encodeStates(parameters, bagRows, undefined, exchanges);
 */
import type { SparseVector } from '../embed/embedder.ts';
import type { ExchangeRows } from './network.ts';
import { sparseRows } from '../nn/sparse-layers.ts';
import type { SparseRows } from '../nn/sparse-layers.ts';
import { toSparse } from '../embed/hashed.ts';

const blank: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) };

/** The sum of sparse vectors, as one sparse vector. */
export const sumVectors = (vectors: readonly SparseVector[]): SparseVector => {
  const sums = new Map<number, number>();
  for (const vector of vectors) vector.indices.forEach((index, at) => sums.set(index, (sums.get(index) ?? 0) + (vector.values[at] as number)));
  return toSparse(sums);
};

export const exchangeRows = (perState: readonly (readonly SparseVector[])[], dimension: number): ExchangeRows => {
  const vectors = perState.flat();
  if (vectors.length === 0) vectors.push(blank);
  const count = vectors.length;
  const pool = new Float32Array(perState.length * count);
  const last = new Float32Array(perState.length * count);
  let at = 0;
  perState.forEach((rows, state) => {
    for (let i = 0; i < rows.length; i += 1) pool[state * count + at + i] = 1;
    if (rows.length > 0) last[state * count + at + rows.length - 1] = 1;
    at += rows.length;
  });
  return { rows: sparseRows(vectors, dimension), pool, last, sums: sparseRows(perState.map(sumVectors), dimension) };
};

/** Each state's answer evidence (see embed/evidence.ts), summed over its exchanges: one row per state. */
export const evidenceSums = (perState: readonly (readonly SparseVector[])[], width: number): SparseRows => sparseRows(perState.map(sumVectors), width);
