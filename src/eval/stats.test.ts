import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bootstrapInterval,
  mean,
  meanInterval,
  normalQuantile,
  standardDeviation,
  StatsError,
  tQuantile,
  wilsonInterval,
} from './stats.ts';
import { createRng } from '../util/rng.ts';

const width = (i: { low: number; high: number }): number => i.high - i.low;
const median = (xs: readonly number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

describe('mean and standardDeviation', () => {
  it('match hand-computed values', () => {
    expect(mean([1, 2, 3, 4, 5])).toBe(3);
    expect(standardDeviation([1, 2, 3, 4, 5])).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(standardDeviation([1e9 + 1, 1e9 + 2, 1e9 + 3])).toBeCloseTo(1, 9);
  });

  it('refuse samples that are too small', () => {
    expect(() => mean([])).toThrow(StatsError);
    expect(() => standardDeviation([1])).toThrow(/at least 2/);
  });
});

describe('wilsonInterval', () => {
  it('matches hand-computed values', () => {
    const i = wilsonInterval(8, 10);
    expect(i.mean).toBe(0.8);
    expect(i.low).toBeCloseTo(0.4902, 4);
    expect(i.high).toBeCloseTo(0.9433, 4);
    const zero = wilsonInterval(0, 10);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(3.8415 / 13.8415, 4);
    expect(wilsonInterval(10, 10).high).toBe(1);
  });

  it('rejects n = 0 and impossible counts', () => {
    expect(() => wilsonInterval(0, 0)).toThrow(/positive count/);
    expect(() => wilsonInterval(11, 10)).toThrow(StatsError);
  });

  it('stays within [0, 1], contains the rate, and narrows as n grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 2, max: 50 }), (n, rate, k) => {
        const s = Math.round(rate * n);
        const small = wilsonInterval(s, n);
        const large = wilsonInterval(s * k, n * k);
        for (const i of [small, large]) {
          expect(i.low).toBeGreaterThanOrEqual(0);
          expect(i.high).toBeLessThanOrEqual(1);
          expect(i.low).toBeLessThanOrEqual(i.mean);
          expect(i.mean).toBeLessThanOrEqual(i.high);
        }
        expect(width(large)).toBeLessThan(width(small));
      }),
    );
  });
});

describe('quantiles', () => {
  it('normalQuantile matches tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829304, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('tQuantile matches tables, including small df and far tails', () => {
    const table: [number, number, number][] = [
      [0.975, 1, 12.70620474],
      [0.975, 2, 4.30265273],
      [0.975, 3, 3.182446305],
      [0.975, 4, 2.776445105],
      [0.975, 5, 2.570581836],
      [0.975, 10, 2.228138852],
      [0.975, 30, 2.042272456],
      [0.975, 100, 1.983971519],
      [0.995, 3, 5.840909309],
      [0.995, 20, 2.845339874],
      [0.95, 7, 1.894578605],
    ];
    for (const [p, df, expected] of table) expect(tQuantile(p, df)).toBeCloseTo(expected, 6);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.228138852, 6);
    expect(tQuantile(0.975, 5000)).toBeCloseTo(1.960438, 5);
  });

  it('tQuantile sits above the normal quantile and falls as df grows', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.6, max: 0.999, noNaN: true }), fc.integer({ min: 2, max: 300 }), (p, df) => {
        const t = tQuantile(p, df);
        expect(t).toBeGreaterThan(normalQuantile(p));
        expect(t).toBeLessThan(tQuantile(p, df - 1));
        expect(tQuantile(1 - p, df)).toBeCloseTo(-t, 9);
      }),
    );
  });

  it('rejects bad arguments', () => {
    expect(() => tQuantile(1, 3)).toThrow(StatsError);
    expect(() => tQuantile(0.9, 2.5)).toThrow(/positive integer/);
    expect(() => normalQuantile(0)).toThrow(StatsError);
  });
});

describe('meanInterval', () => {
  it('matches the hand-computed t interval', () => {
    const i = meanInterval([1, 2, 3, 4, 5]);
    expect(i.mean).toBe(3);
    expect(i.low).toBeCloseTo(1.036757, 5); // 3 - 2.776445 * sqrt(2.5) / sqrt(5)
    expect(i.high).toBeCloseTo(4.963243, 5);
    const i99 = meanInterval([1, 2, 3, 4, 5], { confidence: 0.99 });
    expect(i99.high - 3).toBeCloseTo((4.604094871 * Math.sqrt(2.5)) / Math.sqrt(5), 6);
  });

  it('collapses for one value and rejects none', () => {
    expect(meanInterval([4.5])).toEqual({ mean: 4.5, low: 4.5, high: 4.5 });
    expect(() => meanInterval([])).toThrow(StatsError);
    expect(() => meanInterval([1, 2], { confidence: 1 })).toThrow(/confidence/);
  });

  it('contains the mean and narrows when the same data is seen twice as often', () => {
    const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 50 });
    fc.assert(
      fc.property(values, (xs) => {
        const once = meanInterval(xs);
        const twice = meanInterval([...xs, ...xs]);
        expect(once.low).toBeLessThanOrEqual(once.mean);
        expect(once.mean).toBeLessThanOrEqual(once.high);
        expect(width(twice)).toBeLessThanOrEqual(width(once));
      }),
    );
  });
});

describe('bootstrapInterval', () => {
  const rng = createRng('bootstrap-data');
  const data = Array.from({ length: 200 }, () => rng.next() * 10);

  it('is deterministic for a seed and close to the t interval for the mean', () => {
    const a = bootstrapInterval(data, mean, { seed: 3 });
    expect(bootstrapInterval(data, mean, { seed: 3 })).toEqual(a);
    expect(bootstrapInterval(data, mean, { seed: 4 })).not.toEqual(a);
    const t = meanInterval(data);
    expect(a.mean).toBe(t.mean);
    expect(a.low).toBeCloseTo(t.low, 1);
    expect(a.high).toBeCloseTo(t.high, 1);
  });

  it('works for other statistics and honours the confidence level', () => {
    const i90 = bootstrapInterval(data, median, { seed: 1, confidence: 0.9, resamples: 500 });
    const i99 = bootstrapInterval(data, median, { seed: 1, confidence: 0.99, resamples: 500 });
    expect(i90.mean).toBe(median(data));
    expect(i99.low).toBeLessThanOrEqual(i90.low);
    expect(i99.high).toBeGreaterThanOrEqual(i90.high);
  });

  it('collapses for one value and reports bad input', () => {
    expect(bootstrapInterval([2], mean, { seed: 0, resamples: 50 })).toEqual({ mean: 2, low: 2, high: 2 });
    expect(() => bootstrapInterval([], mean, { seed: 0 })).toThrow(StatsError);
    expect(() => bootstrapInterval([1, 2], () => Number.NaN, { seed: 0 })).toThrow(/statistic returned NaN/);
    expect(() => bootstrapInterval([1, 2], mean, { seed: 0, resamples: 0 })).toThrow(/resamples/);
  });
});
