/**
 * Packs the exchange rows of a batch of states (see embed/dialogue.ts) into the form the state
 * encoder reads: all rows one after another, and where each state's rows begin and end.
 *
 * @example
 * const exchanges = exchangeRows([embedder.embedExchanges(turnsA), embedder.embedExchanges(turnsB)], 1024);
 * encodeStates(parameters, bagRows, undefined, exchanges);
 */
import type { SparseVector } from '../embed/embedder.ts';
import { sparseRows } from '../nn/sparse-layers.ts';
import type { SparseRows } from '../nn/sparse-layers.ts';
import { LinearShapeError } from '../nn/linear.ts';
import type { Segments } from '../nn/segment-pool.ts';

/**
 * The exchanges of a batch of states: every state's rows one after another, state s owning rows
 * starts[s] … starts[s + 1] − 1, the last of them its latest exchange (see nn/segment-pool.ts). A
 * batch always has at least one row (a blank one, no state's, if no state has an exchange yet), so
 * the exchange weights always take part in the gradient. `sums` holds each state's rows added up:
 * what a linear map of the pooled rows needs, at one row per state; only a belief over the state's
 * features reads it, so it is added up when first read.
 */
export type ExchangeRows = { rows: SparseRows; starts: Segments; readonly sums: SparseRows };

const blank: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) };

/**
 * Each state's vectors added up, one compressed row per state. A dense scratch of the width takes
 * the place of a Map per state: every step sums a batch's exchanges and evidence, and the Maps
 * and their garbage took about a sixth of a countries training step. Each index is summed in
 * float64 in the order the vectors come, then rounded once, so the rows are the same to the last
 * bit as summing through a Map.
 */
export const sumRows = (perState: readonly (readonly SparseVector[])[], width: number): SparseRows => {
  const sums = new Float64Array(width);
  const present = new Uint8Array(width);
  const offsets = new Int32Array(perState.length + 1);
  let touched = new Int32Array(64);
  let indices = new Int32Array(256);
  let values = new Float32Array(256);
  let total = 0;
  perState.forEach((vectors, state) => {
    let count = 0;
    for (const vector of vectors) {
      for (let at = 0; at < vector.indices.length; at += 1) {
        const index = vector.indices[at] as number;
        if (index < 0 || index >= width) throw new LinearShapeError(`sparse feature ${index} is outside the input width ${width}`, { hint: 'Embed with the dimension the network was built for.' });
        if (present[index] === 0) {
          present[index] = 1;
          if (count === touched.length) touched = grown(touched, count + 1);
          touched[count] = index;
          count += 1;
        }
        sums[index] = (sums[index] as number) + (vector.values[at] as number);
      }
    }
    const order = touched.subarray(0, count).sort();
    if (total + count > indices.length) {
      indices = grown(indices, total + count);
      values = grown(values, total + count);
    }
    for (const index of order) {
      indices[total] = index;
      values[total] = sums[index] as number;
      total += 1;
      sums[index] = 0;
      present[index] = 0;
    }
    offsets[state + 1] = total;
  });
  return { count: perState.length, dimension: width, offsets, indices: indices.slice(0, total), values: values.slice(0, total) };
};

/** `array` copied into one at least `needed` long (doubling), for buffers filled as they go. */
const grown = <T extends Int32Array | Float32Array>(array: T, needed: number): T => {
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
};

/** The sum of sparse vectors of one width, as one sparse vector. */
export const sumVectors = (vectors: readonly SparseVector[], width: number): SparseVector => {
  const rows = sumRows([vectors], width);
  return { indices: rows.indices, values: rows.values };
};

export const exchangeRows = (perState: readonly (readonly SparseVector[])[], dimension: number): ExchangeRows => {
  const vectors = perState.flat();
  if (vectors.length === 0) vectors.push(blank);
  const starts = new Int32Array(perState.length + 1);
  perState.forEach((rows, state) => (starts[state + 1] = (starts[state] as number) + rows.length));
  let sums: SparseRows | undefined;
  return {
    rows: sparseRows(vectors, dimension),
    starts,
    get sums() {
      return (sums ??= sumRows(perState, dimension));
    },
  };
};

/** Each state's answer evidence (see embed/evidence.ts), summed over its exchanges: one row per state. */
export const evidenceSums = (perState: readonly (readonly SparseVector[])[], width: number): SparseRows => sumRows(perState, width);
