import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Turn } from '../task/types.ts';
import { addBlock, createHashedEmbedder, densify, ngrams, tokenize, toSparse } from './hashed.ts';
import type { SparseVector } from './hashed.ts';

const embedder = createHashedEmbedder({ dimension: 1024 });

const turnArb = fc.record({ role: fc.constantFrom<Turn['role']>('user', 'agent'), text: fc.string({ maxLength: 40 }) });
const wordyText = fc.array(fc.constantFrom('what', 'kind', 'of', 'museums', 'hiking', "don't", 'x-ray', '42', 'Food!'), { maxLength: 12 }).map((words) => words.join(' '));

const plain = (vector: SparseVector) => ({ indices: Array.from(vector.indices), values: Array.from(vector.values) });

const expectWellFormed = (vector: SparseVector, dimension: number): void => {
  expect(vector.indices.length).toBe(vector.values.length);
  vector.indices.forEach((index, i) => {
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index).toBeLessThan(dimension);
    if (i > 0) expect(index).toBeGreaterThan(vector.indices[i - 1] ?? -1);
  });
  vector.values.forEach((value) => expect(value).toBeGreaterThan(0));
};

describe('tokenize', () => {
  it('lowercases and keeps inner apostrophes and hyphens', () => {
    expect(tokenize("Don't miss the X-ray exhibit, OK? 42!")).toEqual(["don't", 'miss', 'the', 'x-ray', 'exhibit', 'ok', '42']);
    expect(tokenize('...')).toEqual([]);
  });
});

describe('createHashedEmbedder', () => {
  it('rejects a dimension below 16 or not an integer', () => {
    expect(() => createHashedEmbedder({ dimension: 15 })).toThrow(RangeError);
    expect(() => createHashedEmbedder({ dimension: 0 })).toThrow(/≥ 16, got 0/);
    expect(() => createHashedEmbedder({ dimension: 64.5 })).toThrow(RangeError);
    expect(createHashedEmbedder({ dimension: 16 }).config).toEqual({ kind: 'hashed', version: 1, dimension: 16 });
  });

  it('is deterministic, across embedder instances too', () => {
    fc.assert(
      fc.property(fc.array(turnArb, { maxLength: 6 }), (turns) => {
        const other = createHashedEmbedder({ dimension: 1024 });
        expect(plain(embedder.embedState(turns))).toEqual(plain(other.embedState(turns)));
        const text = turns.map((turn) => turn.text).join(' ');
        expect(plain(embedder.embedAction(text))).toEqual(plain(other.embedAction(text)));
      }),
    );
  });

  it('indices are sorted, unique and below the dimension; values are positive', () => {
    fc.assert(
      fc.property(fc.array(turnArb, { maxLength: 6 }), fc.integer({ min: 16, max: 300 }), (turns, dimension) => {
        const small = createHashedEmbedder({ dimension });
        expectWellFormed(small.embedState(turns), dimension);
        expectWellFormed(small.embedAction(turns.map((turn) => turn.text).join(' ')), dimension);
      }),
    );
  });

  it('an action is one block of log(1 + count) features, one count per unigram and bigram', () => {
    fc.assert(
      fc.property(wordyText, fc.integer({ min: 16, max: 2048 }), (text, dimension) => {
        const action = createHashedEmbedder({ dimension }).embedAction(text);
        const counts = Array.from(action.values, (value) => Math.expm1(value));
        counts.forEach((count) => expect(count).toBeCloseTo(Math.round(count), 4));
        const tokens = tokenize(text).length;
        const grams = tokens === 0 ? 0 : 2 * tokens - 1;
        expect(counts.reduce((sum, count) => sum + Math.round(count), 0)).toBe(grams);
      }),
    );
  });

  it('blocks are not normalised: a two-word action has three features worth log 2 each', () => {
    const action = embedder.embedAction('Hiking, please');
    expect(action.indices).toHaveLength(3);
    action.values.forEach((value) => expect(value).toBeCloseTo(Math.LN2, 6));
    const norm = Math.hypot(...action.values);
    expect(norm).toBeCloseTo(Math.sqrt(3) * Math.LN2, 6);
  });

  it('an empty action is the zero vector', () => {
    expect(plain(embedder.embedAction('?!'))).toEqual({ indices: [], values: [] });
  });

  it('a state is four blocks of log(1 + count) features, the same after its turns were met in other states', () => {
    const wordyTurn = fc.record({ role: fc.constantFrom<Turn['role']>('user', 'agent'), text: wordyText });
    fc.assert(
      fc.property(fc.array(wordyTurn, { maxLength: 7 }), fc.array(fc.array(wordyTurn, { maxLength: 4 }), { maxLength: 3 }), (turns, earlier) => {
        const dimension = 64;
        const expected = new Map<number, number>();
        const grams = (turn: Turn) => ngrams(tokenize(turn.text));
        addBlock(expected, turns.flatMap((turn) => grams(turn).map((gram) => `${turn.role === 'user' ? 'u' : 'a'}:${gram}`)), dimension, 1);
        addBlock(expected, turns.filter((turn) => turn.role === 'user').flatMap(grams), dimension, 1);
        const last = turns.findLast((turn) => turn.role === 'user');
        if (last !== undefined) addBlock(expected, grams(last).map((gram) => `l:${gram}`), dimension, 1);
        addBlock(expected, [`turns:${turns.filter((turn) => turn.role === 'agent').length}`], dimension, 1);
        const warm = createHashedEmbedder({ dimension });
        for (const other of [...earlier, turns.slice(1), turns]) warm.embedState(other);
        expect(plain(warm.embedState(turns))).toEqual(plain(toSparse(expected)));
      }),
    );
  });

  it('state vectors differ when only the role of a turn differs', () => {
    fc.assert(
      fc.property(fc.array(turnArb, { maxLength: 4 }), wordyText.filter((text) => tokenize(text).length > 0), (turns, text) => {
        const asUser: Turn[] = [...turns, { role: 'user', text }];
        const asAgent: Turn[] = [...turns, { role: 'agent', text }];
        expect(plain(embedder.embedState(asUser))).not.toEqual(plain(embedder.embedState(asAgent)));
      }),
    );
  });

  it('state vectors count agent turns even when the agent says nothing readable', () => {
    const before: Turn[] = [{ role: 'user', text: 'Hi there' }];
    const after: Turn[] = [...before, { role: 'agent', text: '...' }];
    expect(plain(embedder.embedState(before))).not.toEqual(plain(embedder.embedState(after)));
  });

  it('an empty conversation still has the turn-count feature', () => {
    const empty = embedder.embedState([]);
    expect(empty.indices).toHaveLength(1);
    expect(empty.values[0]).toBeCloseTo(Math.LN2, 6);
  });
});

describe('densify', () => {
  it('places each value at row · dimension + index, zeros elsewhere', () => {
    const rows: SparseVector[] = [
      { indices: Int32Array.from([0, 3]), values: Float32Array.from([1.5, -2]) },
      { indices: Int32Array.from([]), values: Float32Array.from([]) },
      { indices: Int32Array.from([1, 2]), values: Float32Array.from([0.25, 4]) },
    ];
    expect(Array.from(densify(rows, 4))).toEqual([1.5, 0, 0, -2, 0, 0, 0, 0, 0, 0.25, 4, 0]);
  });

  it('round-trips embedded vectors', () => {
    fc.assert(
      fc.property(fc.array(wordyText, { minLength: 1, maxLength: 4 }), (texts) => {
        const small = createHashedEmbedder({ dimension: 32 });
        const rows = texts.map((text) => small.embedAction(text));
        const dense = densify(rows, 32);
        expect(dense).toHaveLength(32 * rows.length);
        rows.forEach((row, r) => {
          const back = Array.from(dense.subarray(r * 32, (r + 1) * 32));
          const expected = new Array<number>(32).fill(0);
          row.indices.forEach((index, i) => (expected[index] = row.values[i] ?? Number.NaN));
          expect(back).toEqual(expected);
        });
      }),
    );
  });
});
