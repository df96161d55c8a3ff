import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng, hashString, RngError } from './rng.ts';
import type { Rng } from './rng.ts';

const draw = (rng: Rng, count: number): number[] => Array.from({ length: count }, () => rng.next());

describe('hashString', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });
});

describe('createRng', () => {
  it('gives the same stream for the same seed, numeric or string', () => {
    expect(draw(createRng(7), 20)).toEqual(draw(createRng(7), 20));
    expect(draw(createRng('run-a'), 20)).toEqual(draw(createRng('run-a'), 20));
  });

  it('gives different streams for neighbouring seeds, right from the first draw', () => {
    const streams = [0, 1, 2, 3, 'a', 'b'].map((seed) => createRng(seed).next());
    expect(new Set(streams).size).toBe(streams.length);
    const a = draw(createRng(7), 50);
    const b = draw(createRng(8), 50);
    expect(a.filter((x, i) => Math.abs(x - (b[i] as number)) < 1e-6)).toHaveLength(0);
  });

  it('rejects seeds that would silently lose information', () => {
    expect(() => createRng(1.5)).toThrow(RngError);
    expect(() => createRng(Number.NaN)).toThrow(/not a safe integer/);
  });

  it('next() stays in [0, 1) and looks uniform', () => {
    const xs = draw(createRng(1), 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeCloseTo(0.5, 1);
  });
});

describe('fork', () => {
  it('depends on the seed and label, not on how many numbers the parent drew', () => {
    const fresh = createRng(7).fork('persona-3');
    const used = createRng(7);
    draw(used, 123);
    expect(draw(used.fork('persona-3'), 10)).toEqual(draw(fresh, 10));
  });

  it('gives different streams for different labels and seeds, and does not disturb the parent', () => {
    const parent = createRng(7);
    const a = parent.fork('a').next();
    const b = parent.fork('b').next();
    const other = createRng(8).fork('a').next();
    expect(new Set([a, b, other]).size).toBe(3);
    expect(draw(parent, 5)).toEqual(draw(createRng(7), 5));
  });

  it('nests deterministically and treats 3 and "3" alike', () => {
    expect(createRng(1).fork('x').fork(2).next()).toBe(createRng(1).fork('x').fork('2').next());
    expect(createRng(1).fork('a').fork('b').next()).not.toBe(createRng(1).fork('a/b').next());
  });
});

describe('int / pick / shuffle / chance / weighted', () => {
  it('int stays within its inclusive bounds', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1e9, max: 1e9 }), fc.nat(1e9), (seed, min, width) => {
        const rng = createRng(seed);
        for (let i = 0; i < 20; i++) {
          const x = rng.int(min, min + width);
          expect(Number.isInteger(x)).toBe(true);
          expect(x).toBeGreaterThanOrEqual(min);
          expect(x).toBeLessThanOrEqual(min + width);
        }
      }),
    );
  });

  it('int reaches both ends of a small range and rejects bad ranges', () => {
    const rng = createRng(3);
    const seen = new Set(Array.from({ length: 200 }, () => rng.int(1, 3)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
    expect(() => rng.int(5, 4)).toThrow(RngError);
    expect(() => rng.int(0.5, 4)).toThrow(/invalid range/);
  });

  it('shuffle returns a permutation and leaves the input alone', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer()), (seed, items) => {
        const before = items.slice();
        const shuffled = createRng(seed).shuffle(items);
        expect(items).toEqual(before);
        expect(shuffled).not.toBe(items);
        expect(shuffled.slice().sort((a, b) => a - b)).toEqual(before.sort((a, b) => a - b));
      }),
    );
  });

  it('pick and weighted refuse empty input with a clear error', () => {
    const rng = createRng(0);
    expect(() => rng.pick([])).toThrow(/empty list/);
    expect(() => rng.weighted([], [])).toThrow(RngError);
    expect(() => rng.weighted(['a'], [1, 2])).toThrow(/1 items and 2 weights/);
    expect(() => rng.weighted(['a', 'b'], [0, 0])).toThrow(/all weights are zero/);
    expect(() => rng.weighted(['a'], [-1])).toThrow(/non-negative/);
  });

  it('pick only returns members of the list', () => {
    const rng = createRng('p');
    for (let i = 0; i < 100; i++) expect(['x', 'y', 'z']).toContain(rng.pick(['x', 'y', 'z']));
  });

  it('chance honours the edges and the rate', () => {
    const rng = createRng(11);
    const n = 10_000;
    expect(Array.from({ length: 100 }, () => rng.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => rng.chance(1)).every(Boolean)).toBe(true);
    const hits = Array.from({ length: n }, () => rng.chance(0.3)).filter(Boolean).length;
    expect(hits / n).toBeGreaterThan(0.28);
    expect(hits / n).toBeLessThan(0.32);
    expect(() => rng.chance(1.5)).toThrow(RngError);
  });

  it('weighted roughly respects the weights and never picks zero-weight items', () => {
    const rng = createRng(5);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, z: 0 };
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const key = rng.weighted(['a', 'z', 'b', 'c'], [1, 0, 2, 7]);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts['z']).toBe(0);
    expect((counts['a'] ?? 0) / n).toBeCloseTo(0.1, 1);
    expect((counts['b'] ?? 0) / n).toBeCloseTo(0.2, 1);
    expect((counts['c'] ?? 0) / n).toBeCloseTo(0.7, 1);
  });
});
