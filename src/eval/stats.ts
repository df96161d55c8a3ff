/**
 * Confidence intervals for evaluation tables: Wilson for success rates, Student t for means,
 * and a seeded percentile bootstrap for any other statistic.
 *
 * @example
 * wilsonInterval(8, 10);              // { mean: 0.8, low: 0.490, high: 0.943 }
 * meanInterval([1, 2, 3, 4, 5]);      // { mean: 3, low: 1.037, high: 4.963 }
 * bootstrapInterval(rewards, median, { seed: 1 });
 */
import { ReverieError } from '../errors.ts';
import { createRng } from '../util/rng.ts';

export type Interval = { mean: number; low: number; high: number };

export class StatsError extends ReverieError {
  override readonly name = 'StatsError';
}

const Z_95 = 1.959963984540054;

function requireValues(where: string, values: readonly number[], minimum: number): void {
  if (values.length < minimum) {
    throw new StatsError(`${where}: needs at least ${minimum} value(s), got ${values.length}`, {
      hint: 'Collect more samples before computing this statistic.',
    });
  }
}

function requireConfidence(where: string, confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new StatsError(`${where}: confidence ${confidence} is outside (0, 1)`, { hint: 'Use e.g. 0.95 for a 95% interval.' });
  }
}

export function mean(values: readonly number[]): number {
  requireValues('mean', values, 1);
  let sum = 0;
  for (const x of values) sum += x;
  return sum / values.length;
}

/** Sample standard deviation (divides by n - 1). */
export function standardDeviation(values: readonly number[]): number {
  requireValues('standardDeviation', values, 2);
  // Two passes: subtracting the mean first avoids the cancellation of the sum-of-squares formula.
  const m = mean(values);
  let squares = 0;
  for (const x of values) squares += (x - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/** Wilson score interval for a binomial proportion; stays inside [0, 1] and behaves at 0/n and n/n. */
export function wilsonInterval(successes: number, n: number, z = Z_95): Interval {
  if (!(Number.isFinite(n) && n > 0)) {
    throw new StatsError(`wilsonInterval: n must be a positive count, got ${n}`, { hint: 'There is no success rate without trials.' });
  }
  if (!(successes >= 0 && successes <= n)) {
    throw new StatsError(`wilsonInterval: successes ${successes} is outside [0, ${n}]`, { hint: 'Pass successes between 0 and n.' });
  }
  const p = successes / n;
  const z2 = z * z;
  const scale = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / scale;
  const half = (z / scale) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Clamped only against rounding: mathematically the bounds are already within [0, 1] and around p.
  return { mean: p, low: Math.min(p, Math.max(0, centre - half)), high: Math.max(p, Math.min(1, centre + half)) };
}

/** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new StatsError(`normalQuantile: p ${p} is outside (0, 1)`, { hint: 'Pass a probability strictly between 0 and 1.' });
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number): number => k.reduce((acc, coef) => acc * x + coef, 0);
  const tail = 0.02425;
  if (p < tail || p > 1 - tail) {
    const q = Math.sqrt(-2 * Math.log(p < tail ? p : 1 - p));
    const x = poly(c, q) / (poly(d, q) * q + 1);
    return p < tail ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** P(|T| <= t) for Student t with integer df (Abramowitz & Stegun 26.7.3/26.7.4); O(df). */
function tCentralProbability(t: number, df: number): number {
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const cos2 = Math.cos(theta) ** 2;
  const sin = Math.sin(theta);
  let sum = 1;
  let term = 1;
  if (df % 2 === 1) {
    for (let k = 2; k <= df - 3; k += 2) sum += (term *= (cos2 * k) / (k + 1));
    return (2 / Math.PI) * (theta + (df > 1 ? sin * Math.cos(theta) * sum : 0));
  }
  for (let k = 1; k <= df - 3; k += 2) sum += (term *= (cos2 * k) / (k + 1));
  return sin * sum;
}

// Beyond this df the Cornish-Fisher start is already accurate to ~1e-9, so refining is wasted work.
const REFINE_UP_TO_DF = 1000;

/** Quantile of Student's t with a positive integer `df`: exact for df 1 and 2, else Cornish-Fisher refined by secant steps on the exact CDF. */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new StatsError(`tQuantile: p ${p} is outside (0, 1)`, { hint: 'Pass a probability strictly between 0 and 1.' });
  if (!(Number.isInteger(df) && df >= 1)) throw new StatsError(`tQuantile: df ${df} is not a positive integer`, { hint: 'Degrees of freedom are n - 1 for a sample of n values.' });
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (p === 0.5) return 0;
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const z2 = z * z;
  const g1 = (z2 + 1) * z / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  const start = z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
  if (df > REFINE_UP_TO_DF) return start;
  const target = 2 * p - 1;
  let [x0, x1] = [start, start * 1.001];
  let [f0, f1] = [tCentralProbability(x0, df) - target, tCentralProbability(x1, df) - target];
  for (let i = 0; i < 50 && f1 !== f0 && Math.abs(x1 - x0) > 1e-13 * x1; i++) {
    const x2 = x1 - (f1 * (x1 - x0)) / (f1 - f0);
    if (!Number.isFinite(x2) || x2 <= 0) return start;
    [x0, f0, x1, f1] = [x1, f1, x2, tCentralProbability(x2, df) - target];
  }
  return x1;
}

/** Student t interval for the mean. With one value the interval collapses to that value. */
export function meanInterval(values: readonly number[], options: { confidence?: number } = {}): Interval {
  const confidence = options.confidence ?? 0.95;
  requireConfidence('meanInterval', confidence);
  const m = mean(values);
  if (values.length === 1) return { mean: m, low: m, high: m };
  const half = (tQuantile((1 + confidence) / 2, values.length - 1) * standardDeviation(values)) / Math.sqrt(values.length);
  return { mean: m, low: m - half, high: m + half };
}

/** Linear interpolation between order statistics (the common "type 7" definition). */
function sortedQuantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const below = Math.floor(h);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (h - below) * (upper - lower);
}

/**
 * Percentile bootstrap interval of `statistic`; `mean` is the statistic of the original values.
 * Deterministic for a given seed, so reported tables can be reproduced.
 */
export function bootstrapInterval(
  values: readonly number[],
  statistic: (xs: readonly number[]) => number,
  options: { resamples?: number; seed: number; confidence?: number },
): Interval {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  requireValues('bootstrapInterval', values, 1);
  requireConfidence('bootstrapInterval', confidence);
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new StatsError(`bootstrapInterval: resamples ${resamples} is not a positive integer`, { hint: 'Use e.g. 2000 resamples.' });
  }
  const rng = createRng(options.seed);
  const estimates: number[] = [];
  for (let r = 0; r < resamples; r++) {
    // A fresh array each time, in case the statistic keeps a reference to its input.
    const sample = new Array<number>(values.length);
    for (let i = 0; i < values.length; i++) sample[i] = values[rng.int(0, values.length - 1)] as number;
    const estimate = statistic(sample);
    if (!Number.isFinite(estimate)) {
      throw new StatsError(`bootstrapInterval: statistic returned ${estimate} on resample ${r}`, {
        hint: 'The statistic must return a finite number for every resample of the data.',
      });
    }
    estimates.push(estimate);
  }
  estimates.sort((x, y) => x - y);
  const alpha = 1 - confidence;
  return { mean: statistic(values), low: sortedQuantile(estimates, alpha / 2), high: sortedQuantile(estimates, 1 - alpha / 2) };
}

/**
 * Wilson's interval for the mean of values in [0, 1] as if it were a proportion over `n`
 * independent units. It is the least uncertainty `n` units can leave: a floor for intervals whose
 * resampling sees no spread (every persona scored the same).
 */
export function unitFloorInterval(meanValue: number, n: number, z = Z_95): Interval {
  const clamped = Math.min(1, Math.max(0, meanValue));
  const interval = wilsonInterval(clamped * n, n, z);
  return { mean: meanValue, low: interval.low, high: interval.high };
}

/**
 * Percentile bootstrap over groups (clusters): each resample draws whole groups with replacement
 * and pools their values, so the trials of one persona move together, as they are not independent.
 * The statistic is the pooled mean. Deterministic for a given seed.
 */
export function clusterBootstrapInterval(groups: readonly (readonly number[])[], options: { resamples?: number; seed: number; confidence?: number }): Interval {
  const sizes = groups.map((group) => group.length);
  if (groups.length === 0 || sizes.some((size) => size === 0)) {
    throw new StatsError(`clusterBootstrapInterval: needs at least one group, each with a value (got ${groups.length} groups)`, { hint: 'Evaluate every persona at least once.' });
  }
  // Resampling the groups' sums and sizes gives the pooled mean of the resample.
  const sums = groups.map((group) => group.reduce((total, value) => total + value, 0));
  const indices = groups.map((_, at) => at);
  const pooled = (picked: readonly number[]): number => {
    let total = 0;
    let count = 0;
    for (const at of picked) {
      total += sums[at] as number;
      count += sizes[at] as number;
    }
    return total / count;
  };
  return bootstrapInterval(indices, pooled, options);
}

/**
 * The interval evaluations report for a rate or mean in [0, 1] over personas met `trials` times
 * each: the persona bootstrap, widened where needed to the Wilson floor over the number of
 * personas, so that a handful of personas that all scored the same does not give a zero-width
 * interval. With one trial per persona the groups are single episodes.
 */
export function personaInterval(groups: readonly (readonly number[])[], options: { resamples?: number; seed: number; confidence?: number }): Interval {
  const bootstrap = clusterBootstrapInterval(groups, options);
  const z = normalQuantile(1 - (1 - (options.confidence ?? 0.95)) / 2);
  const floor = unitFloorInterval(bootstrap.mean, groups.length, z);
  return { mean: bootstrap.mean, low: Math.min(bootstrap.low, floor.low), high: Math.max(bootstrap.high, floor.high) };
}
