import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapInterval, clusterBootstrapInterval, mean, personaInterval, StatsError, unitFloorInterval, wilsonInterval } from './stats.ts';

const width = (interval: { low: number; high: number }): number => interval.high - interval.low;

describe('clusterBootstrapInterval', () => {
  it('is the plain bootstrap of the mean when every group holds one value', () => {
    const values = [0.1, 0.9, 0.4, 0.4, 1, 0, 0.75];
    expect(clusterBootstrapInterval(values.map((value) => [value]), { seed: 3 })).toEqual(bootstrapInterval(values, mean, { seed: 3 }));
  });

  it('is wider than a per-episode interval when a persona’s trials move together', () => {
    // 20 personas, 5 trials each; each persona either always succeeds or never does.
    const groups = Array.from({ length: 20 }, (_, at) => Array.from({ length: 5 }, () => (at % 4 === 0 ? 0 : 1)));
    const cluster = clusterBootstrapInterval(groups, { seed: 1 });
    const naive = wilsonInterval(75, 100);
    expect(cluster.mean).toBeCloseTo(0.75, 12);
    expect(width(cluster)).toBeGreaterThan(1.5 * width(naive));
    // About what 20 independent personas can tell.
    expect(width(cluster)).toBeGreaterThan(0.6 * width(wilsonInterval(15, 20)));
  });

  it('refuses no groups or an empty group', () => {
    expect(() => clusterBootstrapInterval([], { seed: 1 })).toThrow(StatsError);
    expect(() => clusterBootstrapInterval([[1], []], { seed: 1 })).toThrow(StatsError);
  });
});

describe('personaInterval', () => {
  it('is not zero-width when every persona scores the same', () => {
    const allPass = personaInterval(Array.from({ length: 8 }, () => [1, 1, 1]), { seed: 1 });
    expect(allPass.mean).toBe(1);
    expect(allPass.high).toBe(1);
    expect(allPass.low).toBeCloseTo(wilsonInterval(8, 8).low, 8);
    expect(allPass.low).toBeLessThan(0.8);
    const allFail = personaInterval(Array.from({ length: 8 }, () => [0, 0]), { seed: 1 });
    expect([allFail.low, allFail.mean]).toEqual([0, 0]);
    expect(allFail.high).toBeGreaterThan(0.2);
  });

  it('holds its mean, stays in [0, 1], and is the same for the same seed', () => {
    const groups = fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(groups, fc.nat(), (data, seed) => {
        const interval = personaInterval(data, { seed, resamples: 200 });
        expect(interval.low).toBeLessThanOrEqual(interval.mean + 1e-12);
        expect(interval.high).toBeGreaterThanOrEqual(interval.mean - 1e-12);
        expect(interval.low).toBeGreaterThanOrEqual(0);
        expect(interval.high).toBeLessThanOrEqual(1);
        expect(interval.high).toBeGreaterThan(interval.low);
        expect(personaInterval(data, { seed, resamples: 200 })).toEqual(interval);
      }),
      { numRuns: 100 },
    );
  });
});

describe('unitFloorInterval', () => {
  it('is Wilson’s interval for the mean as a proportion over n units', () => {
    expect(unitFloorInterval(0.5, 10)).toEqual({ mean: 0.5, ...(({ low, high }) => ({ low, high }))(wilsonInterval(5, 10)) });
  });
});
