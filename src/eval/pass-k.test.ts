import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passHatK, passKCurve } from './pass-k.ts';
import type { PersonaTrials } from './pass-k.ts';
import { StatsError, wilsonInterval } from './stats.ts';

/** Share of the k-element subsets of `outcomes` that hold successes only, by enumeration. */
const bySubsets = (outcomes: readonly boolean[], k: number): number => {
  let all = 0;
  let good = 0;
  const walk = (start: number, left: number, allSucceeded: boolean): void => {
    if (left === 0) {
      all += 1;
      if (allSucceeded) good += 1;
      return;
    }
    for (let i = start; i <= outcomes.length - left; i++) walk(i + 1, left - 1, allSucceeded && (outcomes[i] ?? false));
  };
  walk(0, k, true);
  return good / all;
};

const personasArbitrary = fc.integer({ min: 1, max: 8 }).chain((trials) =>
  fc.array(fc.integer({ min: 0, max: trials }).map((successes): PersonaTrials => ({ trials, successes })), { minLength: 1, maxLength: 30 }),
);

describe('passHatK', () => {
  it('matches hand-computed values', () => {
    expect(passHatK(4, 2, 1)).toBe(0.5);
    expect(passHatK(4, 2, 2)).toBeCloseTo(1 / 6, 15); // C(2,2)/C(4,2) = 1/6
    expect(passHatK(4, 2, 3)).toBe(0);
    expect(passHatK(4, 2, 4)).toBe(0);
    expect(passHatK(5, 3, 2)).toBeCloseTo(3 / 10, 15); // C(3,2)/C(5,2)
    expect(passHatK(5, 3, 3)).toBeCloseTo(1 / 10, 15); // C(3,3)/C(5,3)
    expect(passHatK(8, 8, 8)).toBe(1);
    expect(passHatK(8, 0, 1)).toBe(0);
  });

  it('stays finite where factorials would overflow', () => {
    expect(passHatK(400, 399, 1)).toBeCloseTo(399 / 400, 12);
    expect(passHatK(400, 399, 399)).toBeCloseTo(1 / 400, 12);
  });

  it('equals the share of k-subsets of the trials that all succeed', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 9 }), fc.nat(), (outcomes, pick) => {
        const k = 1 + (pick % outcomes.length);
        const c = outcomes.filter(Boolean).length;
        expect(passHatK(outcomes.length, c, k)).toBeCloseTo(bySubsets(outcomes, k), 12);
      }),
    );
  });

  it('rejects impossible arguments', () => {
    expect(() => passHatK(0, 0, 1)).toThrow(StatsError);
    expect(() => passHatK(4, 5, 1)).toThrow(/outside 0..4/);
    expect(() => passHatK(4, 2, 5)).toThrow(/k 5 is outside 1..4/);
    expect(() => passHatK(4, 2, 0)).toThrow(StatsError);
    expect(() => passHatK(4, 1.5, 1)).toThrow(StatsError);
  });
});

describe('passKCurve', () => {
  it('averages over personas: hand-computed for three personas of four trials', () => {
    const curve = passKCurve(
      [
        { trials: 4, successes: 2 },
        { trials: 4, successes: 4 },
        { trials: 4, successes: 0 },
      ],
      { seed: 1, resamples: 200 },
    );
    expect(curve.map((point) => point.k)).toEqual([1, 2, 3, 4]);
    expect(curve[0]?.mean).toBeCloseTo(0.5, 15); // (1/2 + 1 + 0) / 3
    expect(curve[1]?.mean).toBeCloseTo(7 / 18, 15); // (1/6 + 1 + 0) / 3
    expect(curve[2]?.mean).toBeCloseTo(1 / 3, 15); // (0 + 1 + 0) / 3
    expect(curve[3]?.mean).toBeCloseTo(1 / 3, 15);
  });

  it('stops at the fewest trials any persona had', () => {
    const curve = passKCurve(
      [
        { trials: 5, successes: 3 },
        { trials: 3, successes: 3 },
      ],
      { seed: 1, resamples: 100 },
    );
    expect(curve.map((point) => point.k)).toEqual([1, 2, 3]);
    expect(curve[1]?.mean).toBeCloseTo((3 / 10 + 1) / 2, 15);
  });

  it('keeps an interval when every persona scored the same (the Wilson floor over personas) and is reproducible for a seed', () => {
    const same = passKCurve(Array.from({ length: 10 }, () => ({ trials: 4, successes: 2 })), { seed: 3, resamples: 100 });
    expect(same[1]?.k).toBe(2);
    expect(same[1]?.mean).toBeCloseTo(1 / 6, 12);
    const floor = wilsonInterval(10 / 6, 10);
    expect(same[1]?.low).toBeCloseTo(floor.low, 8);
    expect(same[1]?.high).toBeCloseTo(floor.high, 8);
    expect((same[1]?.high ?? 0) - (same[1]?.low ?? 0)).toBeGreaterThan(0.2);
    const perfect = passKCurve(Array.from({ length: 10 }, () => ({ trials: 3, successes: 3 })), { seed: 3, resamples: 100 });
    for (const point of perfect) expect([point.mean, point.high, point.low < 0.8]).toEqual([1, 1, true]);
    const mixed: PersonaTrials[] = Array.from({ length: 30 }, (_, i) => ({ trials: 3, successes: i % 4 === 0 ? 0 : (i % 3) + 1 }));
    expect(passKCurve(mixed, { seed: 3, resamples: 300 })).toEqual(passKCurve(mixed, { seed: 3, resamples: 300 }));
  });

  it('refuses an empty list of personas', () => {
    expect(() => passKCurve([], { seed: 1 })).toThrow(/no personas/);
  });

  it('has pass^1 = mean success, falls with k, and keeps its interval around it and within [0, 1]', () => {
    fc.assert(
      fc.property(personasArbitrary, (personas) => {
        const curve = passKCurve(personas, { seed: 7, resamples: 60 });
        const successRate = personas.reduce((sum, persona) => sum + persona.successes / persona.trials, 0) / personas.length;
        expect(curve[0]?.mean).toBeCloseTo(successRate, 12);
        curve.forEach((point, at) => {
          expect(point.low).toBeGreaterThanOrEqual(0);
          expect(point.high).toBeLessThanOrEqual(1 + 1e-12);
          expect(point.low).toBeLessThanOrEqual(point.mean + 1e-12);
          expect(point.mean).toBeLessThanOrEqual(point.high + 1e-12);
          const next = curve[at + 1];
          if (next === undefined) return;
          expect(next.mean).toBeLessThanOrEqual(point.mean + 1e-12);
          // Same resamples for every k, so the bounds fall with k too.
          expect(next.low).toBeLessThanOrEqual(point.low + 1e-12);
          expect(next.high).toBeLessThanOrEqual(point.high + 1e-12);
        });
      }),
      { numRuns: 60 },
    );
  });
});
