import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SparseVector } from '../embed/embedder.ts';
import { exchangeRows, sumRows, sumVectors } from './exchange-rows.ts';

/** The plain reading: each index's values added in float64 in the order they come, then rounded once. */
const reference = (vectors: readonly SparseVector[]): Map<number, number> => {
  const sums = new Map<number, number>();
  for (const vector of vectors) vector.indices.forEach((index, at) => sums.set(index, (sums.get(index) ?? 0) + (vector.values[at] as number)));
  return new Map([...sums].map(([index, sum]) => [index, Math.fround(sum)]));
};

const vectorOf = (width: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: width - 1 }), { maxLength: 12 }).chain((indices) =>
    fc.array(fc.float({ noNaN: true, min: -8, max: 8 }), { minLength: indices.length, maxLength: indices.length }).map(
      (values): SparseVector => ({ indices: Int32Array.from([...indices].sort((a, b) => a - b)), values: Float32Array.from(values) }),
    ),
  );

describe('sumRows', () => {
  it('adds each state’s vectors into one sorted row, the same bits as adding in order', () => {
    fc.assert(
      fc.property(fc.array(fc.array(vectorOf(40), { maxLength: 5 }), { minLength: 1, maxLength: 6 }), (perState) => {
        const rows = sumRows(perState, 40);
        expect(rows.count).toBe(perState.length);
        perState.forEach((vectors, state) => {
          const start = rows.offsets[state] as number;
          const end = rows.offsets[state + 1] as number;
          const indices = Array.from(rows.indices.subarray(start, end));
          const expected = reference(vectors);
          expect(indices).toEqual([...expected.keys()].sort((a, b) => a - b));
          indices.forEach((index, at) => expect(Object.is(rows.values[start + at], expected.get(index))).toBe(true));
        });
      }),
    );
  });

  it('gives an empty row to a state without vectors and keeps the rows apart', () => {
    const one: SparseVector = { indices: Int32Array.from([1, 3]), values: Float32Array.from([0.5, 1]) };
    const rows = sumRows([[one, one], [], [one]], 8);
    expect(Array.from(rows.offsets)).toEqual([0, 2, 2, 4]);
    expect(Array.from(rows.values)).toEqual([1, 2, 0.5, 1]);
    expect(sumVectors([one, one], 8)).toEqual({ indices: Int32Array.from([1, 3]), values: Float32Array.from([1, 2]) });
  });

  it('refuses a feature outside the width, saying which', () => {
    const wide: SparseVector = { indices: Int32Array.from([9]), values: Float32Array.from([1]) };
    expect(() => sumRows([[wide]], 8)).toThrow(/feature 9 is outside the input width 8/);
    expect(() => exchangeRows([[wide]], 8)).toThrow(/outside the input width/);
  });
});
