/**
 * pass^k as tau-bench defines it: the chance that k attempts at the same persona, drawn without
 * replacement from its n trials, all succeed. With c successes out of n that is C(c,k)/C(n,k);
 * the reported value averages it over personas. pass^1 is the plain success rate, and pass^k
 * falls with k as fast as the agent is inconsistent on the same user.
 *
 * @example
 * passHatK(4, 2, 2);                                      // 1/6
 * passKCurve([{ trials: 4, successes: 2 }, { trials: 4, successes: 4 }], { seed: 1 });
 * // → [{ k: 1, mean: 0.75, low, high }, { k: 2, mean: 0.583…, … }, …]
 */
import { personaInterval, StatsError } from './stats.ts';
import type { Interval } from './stats.ts';

/** One persona's record: how often it was tried and how often the agent succeeded. */
export type PersonaTrials = { trials: number; successes: number };

export type PassKPoint = Interval & { k: number };

/** The bootstrap evaluations use: fixed, so the same episodes always give the same intervals. */
export const PASS_K_BOOTSTRAP = { seed: 1, resamples: 2000 } as const;

/** C(c,k)/C(n,k), as the product of (c−i)/(n−i): no factorials, so no overflow for large n. */
export function passHatK(n: number, c: number, k: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new StatsError(`passHatK: n ${n} is not a positive integer`, { hint: 'n is how many times the persona was tried.' });
  if (!(Number.isInteger(c) && c >= 0 && c <= n)) throw new StatsError(`passHatK: c ${c} is outside 0..${n}`, { hint: 'c counts the successful trials among n.' });
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new StatsError(`passHatK: k ${k} is outside 1..${n}`, { hint: 'pass^k needs at least k trials of each persona.' });
  let value = 1;
  for (let i = 0; i < k && value > 0; i++) value *= (c - i) / (n - i);
  return value;
}

/**
 * pass^k for k = 1 .. (fewest trials of any persona), averaged over personas, each with a
 * percentile-bootstrap 95% interval that resamples personas (the independent unit; trials of one
 * persona are not), never narrower than the Wilson floor over the number of personas, so personas
 * that all score the same still leave an interval (see personaInterval). Every k uses the same seed
 * and hence the same resamples, so the bounds fall with k just as the estimates do.
 */
export function passKCurve(personas: readonly PersonaTrials[], options: { seed: number; resamples?: number; confidence?: number }): PassKPoint[] {
  if (personas.length === 0) throw new StatsError('passKCurve: no personas', { hint: 'Evaluate at least one persona before computing pass^k.' });
  const most = Math.min(...personas.map((persona) => persona.trials));
  const curve: PassKPoint[] = [];
  for (let k = 1; k <= most; k++) {
    const perPersona = personas.map((persona) => passHatK(persona.trials, persona.successes, k));
    curve.push({ k, ...personaInterval(perPersona.map((value) => [value]), options) });
  }
  return curve;
}
