/**
 * Repetition and summaries for the benchmark: one untimed warm-up run, then `runs` timed runs,
 * each figure reported as the median over the timed runs.
 *
 * @example
 * const samples = await repeat(5, 'sim oracle', async () => ({ episodesPerSecond: await timeIt() }));
 * medianOf(samples) // → { episodesPerSecond: 1234 }
 */

/** Where progress lines go: stderr, so stdout holds only the tables. */
export const note = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

/** Quantile q ∈ [0, 1] by linear interpolation between order statistics ("type 7"). */
export const quantile = (values: readonly number[], q: number): number => {
  if (values.length === 0) throw new RangeError('quantile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const below = Math.floor(h);
  const low = sorted[below] ?? NaN;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? NaN;
  return low + (h - below) * (high - low);
};

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export type Sample = Record<string, number>;

/** The median of every field over a list of samples that share their fields. */
export const medianOf = (samples: readonly Sample[]): Sample => {
  const first = samples[0];
  if (first === undefined) throw new RangeError('medianOf: no samples');
  return Object.fromEntries(Object.keys(first).map((key) => [key, median(samples.map((sample) => sample[key] ?? NaN))]));
};

/** Runs `once` one time untimed (warm-up), then `runs` times; returns the timed runs' samples. */
export const repeat = async <S extends Sample>(runs: number, label: string, once: () => Promise<S>): Promise<S[]> => {
  note(`${label}: warm-up`);
  await once();
  const samples: S[] = [];
  for (let run = 1; run <= runs; run += 1) {
    note(`${label}: run ${run}/${runs}`);
    samples.push(await once());
  }
  return samples;
};

/** ms per call of `call`, after one untimed call, over as many calls as fill about `budgetMs`. */
export const msPerCall = (call: () => void, budgetMs = 100): number => {
  call();
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < budgetMs) {
    call();
    calls += 1;
  }
  return (performance.now() - started) / calls;
};

/** The process's peak resident set size so far, in MB (`maxRSS` is in kilobytes). */
export const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;
