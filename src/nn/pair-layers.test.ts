import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { LinearShapeError } from './linear.ts';
import { pairPaired, pairProduct, pairRows, selectPairRows } from './pair-layers.ts';
import type { SparseVector } from './sparse-layers.ts';
import { sparseRows } from './sparse-layers.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

// Small widths so that random rows repeat features and weight indices, the cases a scratch
// buffer that is not summed into (or not cleared) would get wrong.
const dimension = 6;
const width = 4;

type Pair = { f: number; w: number };
const pairList = fc.array(fc.record({ f: fc.integer({ min: 0, max: dimension - 1 }), w: fc.integer({ min: 0, max: width - 1 }) }), { maxLength: 6 });
/** A state row: several pair lists (one per answered exchange), possibly none. */
const stateRow = fc.array(pairList, { maxLength: 3 });
const candidate = fc.uniqueArray(fc.integer({ min: 0, max: dimension - 1 }), { maxLength: dimension }).chain((indices) =>
  fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: indices.length, maxLength: indices.length }).map((values): SparseVector => {
    const order = indices.map((index, i) => ({ index, value: values[i] as number })).sort((a, b) => a.index - b.index);
    return { indices: Int32Array.from(order, (e) => e.index), values: Float32Array.from(order, (e) => e.value) };
  }),
);
const floats = (length: number) => fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: length, maxLength: length }).map((v) => Float32Array.from(v));

const toRows = (state: Pair[][][]) => pairRows(state.map((lists) => lists.map((list) => ({ words: Int32Array.from(list, (p) => p.f), tags: Int32Array.from(list, (p) => p.w) }))), dimension, width);
const valueAt = (y: SparseVector, f: number) => {
  const at = y.indices.indexOf(f);
  return at < 0 ? 0 : (y.values[at] as number);
};
/** The definition, with no scratch buffers: out[i, j] = Σ_{(f, w) ∈ row i} u[w]·y[j, f]. */
const bruteCell = (row: Pair[][], u: Float32Array, y: SparseVector) => row.flat().reduce((sum, { f, w }) => sum + (u[w] as number) * valueAt(y, f), 0);
/** du[w] = Σ over cells (i, j) of g[i, j]·Σ_{(f, w) ∈ row i} y[j, f]. */
const bruteGrad = (cells: { row: Pair[][]; y: SparseVector; g: number }[]) => {
  const du = new Array<number>(width).fill(0);
  for (const { row, y, g } of cells) for (const { f, w } of row.flat()) du[w] = (du[w] as number) + g * valueAt(y, f);
  return du;
};
const expectClose = (actual: ArrayLike<number>, expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  // Relative: float32 sums of a dozen terms lose absolute digits as they grow.
  expected.forEach((value, i) => expect(Math.abs((actual[i] as number) - value)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(value))));
};

describe('pairProduct and pairPaired match the definition', () => {
  it('forward and gradient in u, for all (i, j)', () => {
    const problem = fc.tuple(fc.array(stateRow, { minLength: 1, maxLength: 4 }), fc.array(candidate, { minLength: 1, maxLength: 4 })).chain(([state, ys]) =>
      fc.record({ state: fc.constant(state), ys: fc.constant(ys), u: floats(width), g: floats(state.length * ys.length) }),
    );
    fc.assert(
      fc.property(problem, ({ state, ys, u, g }) => {
        tf.tidy(() => {
          const x = toRows(state);
          const y = sparseRows(ys, dimension);
          const cells = state.flatMap((row, i) => ys.map((yj, j) => ({ row, y: yj, g: g[i * ys.length + j] as number })));
          const out = pairProduct(x, tf.tensor1d(u), y);
          expect(out.shape).toEqual([state.length, ys.length]);
          expectClose(out.dataSync(), cells.map(({ row, y: yj }) => bruteCell(row, u, yj)));
          const du = tf.grad((ut) => pairProduct(x, ut as tf.Tensor1D, y))(tf.tensor1d(u), tf.tensor2d(g, [state.length, ys.length]));
          expectClose(du.dataSync(), bruteGrad(cells));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('paired: the diagonal, and its gradient in u', () => {
    const problem = fc.integer({ min: 1, max: 5 }).chain((n) =>
      fc.record({ state: fc.array(stateRow, { minLength: n, maxLength: n }), ys: fc.array(candidate, { minLength: n, maxLength: n }), u: floats(width), g: floats(n) }),
    );
    fc.assert(
      fc.property(problem, ({ state, ys, u, g }) => {
        tf.tidy(() => {
          const x = toRows(state);
          const y = sparseRows(ys, dimension);
          const cells = state.map((row, i) => ({ row, y: ys[i] as SparseVector, g: g[i] as number }));
          const full = pairProduct(x, tf.tensor1d(u), y).arraySync();
          const paired = pairPaired(x, tf.tensor1d(u), y);
          expect(paired.shape).toEqual([state.length]);
          expectClose(paired.dataSync(), cells.map(({ row, y: yi }) => bruteCell(row, u, yi)));
          expectClose(paired.dataSync(), full.map((r, i) => r[i] as number));
          const du = tf.grad((ut) => pairPaired(x, ut as tf.Tensor1D, y))(tf.tensor1d(u), tf.tensor1d(g));
          expectClose(du.dataSync(), bruteGrad(cells));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('scores the documented example: u[9]·y[j, 3]', () => {
    tf.tidy(() => {
      const rows = pairRows([[{ words: Int32Array.of(3), tags: Int32Array.of(9) }]], 16, 32);
      const u = tf.tensor1d(Float32Array.from({ length: 32 }, (_, i) => (i === 9 ? 2 : 100)));
      const ys = sparseRows([{ indices: Int32Array.of(1, 3), values: Float32Array.of(5, 0.5) }, { indices: Int32Array.of(4), values: Float32Array.of(7) }], 16);
      expect(Array.from(pairProduct(rows, u, ys).dataSync())).toEqual([1, 0]);
    });
  });
});

describe('selectPairRows', () => {
  it('picks rows in the given order, repeats included', () => {
    const problem = fc.array(stateRow, { minLength: 1, maxLength: 5 }).chain((state) =>
      fc.record({ state: fc.constant(state), positions: fc.array(fc.nat(state.length - 1), { maxLength: 6 }), ys: fc.array(candidate, { minLength: 1, maxLength: 3 }), u: floats(width) }),
    );
    fc.assert(
      fc.property(problem, ({ state, positions, ys, u }) => {
        tf.tidy(() => {
          const y = sparseRows(ys, dimension);
          const whole = pairProduct(toRows(state), tf.tensor1d(u), y).arraySync();
          const picked = selectPairRows(toRows(state), positions);
          expect(picked.count).toBe(positions.length);
          // Compared with the rows built directly from the picked states, so an off-by-one in the
          // offsets cannot hide behind rows that happen to score alike.
          expect(pairProduct(picked, tf.tensor1d(u), y).arraySync()).toEqual(pairProduct(toRows(positions.map((p) => state[p] as Pair[][])), tf.tensor1d(u), y).arraySync());
          expect(pairProduct(picked, tf.tensor1d(u), y).arraySync()).toEqual(positions.map((p) => whole[p]));
        });
      }),
      { numRuns: 50 },
    );
  });
});

describe('shapes that do not fit', () => {
  const one = (f: number, w: number) => [[{ words: Int32Array.of(f), tags: Int32Array.of(w) }]];

  it('pairRows refuses a feature or weight index outside its width', () => {
    expect(() => pairRows(one(dimension - 1, width - 1), dimension, width)).not.toThrow();
    expect(() => pairRows(one(dimension, 0), dimension, width)).toThrow(LinearShapeError);
    expect(() => pairRows(one(0, width), dimension, width)).toThrow(LinearShapeError);
  });

  it('pairProduct refuses a weight or candidates of the wrong width, and pairPaired unaligned rows', () => {
    const rows = pairRows(one(1, 1), dimension, width);
    const ys = sparseRows([{ indices: Int32Array.of(1), values: Float32Array.of(1) }], dimension);
    tf.tidy(() => {
      expect(() => pairProduct(rows, tf.zeros([width + 1]) as tf.Tensor1D, ys)).toThrow(LinearShapeError);
      expect(() => pairProduct(rows, tf.zeros([width]) as tf.Tensor1D, sparseRows([], dimension + 1))).toThrow(LinearShapeError);
      expect(() => pairPaired(rows, tf.zeros([width]) as tf.Tensor1D, sparseRows([], dimension))).toThrow(/1 rows against 0/);
    });
  });
});
