import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNearDuplicateFilter, diversityReport, evenness, jaccard, shingles } from './diversity.ts';

describe('shingles and jaccard', () => {
  it('uses words and word pairs, ignoring case and punctuation', () => {
    expect([...shingles('Not expensive, please!')].sort()).toEqual(['expensive', 'expensive please', 'not', 'not expensive', 'please'].sort());
  });

  it('computes |A∩B| / |A∪B| on hand-made sets', () => {
    expect(jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd']))).toBeCloseTo(2 / 4);
    expect(jaccard(new Set(), new Set())).toBe(1);
    expect(jaccard(new Set(['a']), new Set())).toBe(0);
  });

  it('is symmetric, in [0, 1], and 1 on itself', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const x = shingles(a);
        const y = shingles(b);
        const value = jaccard(x, y);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
        expect(jaccard(y, x)).toBeCloseTo(value, 12);
        expect(jaccard(x, x)).toBe(1);
      }),
    );
  });
});

describe('createNearDuplicateFilter', () => {
  it('drops a near-verbatim repeat and keeps a different persona', () => {
    const filter = createNearDuplicateFilter(0.6);
    expect(filter.admit('A retired teacher from Lyon who loves quiet museums.')).toBe(true);
    expect(filter.admit('a retired teacher from Lyon, who loves quiet museums')).toBe(false);
    expect(filter.admit('A young chef in Lima training for a marathon.')).toBe(true);
    expect(filter.size).toBe(2);
    expect(filter.closest('A young chef in Lima training for a marathon.')).toBe(1);
  });
});

describe('evenness and diversityReport', () => {
  it('is 1 for an even spread, lower for a skewed one, 1 for a single value', () => {
    expect(evenness(['a', 'b', 'a', 'b'])).toBeCloseTo(1);
    // p = (3/4, 1/4): H = −(0.75 ln 0.75 + 0.25 ln 0.25) = 0.5623; / ln 2 = 0.8113
    expect(evenness(['a', 'a', 'a', 'b'])).toBeCloseTo(0.8113, 4);
    expect(evenness(['a', 'a'])).toBe(1);
  });

  it('reports distinct values per hidden parameter and the mean pairwise distance', () => {
    const report = diversityReport([
      { text: 'a b', hidden: { level: 'none' } },
      { text: 'a b', hidden: { level: 'Expert' } },
      { text: 'c d', hidden: { level: 'expert' } },
    ]);
    // Distances: (1,2) 0, (1,3) 1, (2,3) 1 → mean 2/3.
    expect(report.meanDistance).toBeCloseTo(2 / 3);
    expect(report.parameters.level).toEqual({ distinct: 2, evenness: evenness(['none', 'expert', 'expert']) });
  });

  it('estimates from evenly spaced pairs when there are more than maxPairs', () => {
    const items = Array.from({ length: 40 }, (_, index) => ({ text: `word${index % 4} shared`, hidden: {} }));
    const exact = diversityReport(items).meanDistance;
    expect(diversityReport(items, 100).meanDistance).toBeCloseTo(exact, 1);
  });
});
