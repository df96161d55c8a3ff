/**
 * Agent quality: the demo's comparison for every built-in task and each training seed, on
 * held-out test personas, with 95% intervals; plus ILQL ÷ oracle and ILQL − filtered BC per run.
 * The run folders are kept under the results folder, so a second bench run reuses their data and
 * checkpoints and only re-evaluates.
 *
 * @example
 * const rows = await benchQuality({ seeds: [1, 2, 3], folder: 'bench/results/quality' });
 */
import { join } from 'node:path';
import { defaultDemoOptions, runDemo } from '../src/pipeline/demo.ts';
import { builtInTaskNames } from '../src/tasks/registry.ts';
import type { ResultRow } from './results.ts';
import { note } from './sampling.ts';

export type QualityBenchOptions = { seeds: readonly number[]; folder: string };

export const benchQuality = async (options: QualityBenchOptions): Promise<ResultRow[]> => {
  const rows: ResultRow[] = [];
  for (const task of builtInTaskNames()) {
    for (const seed of options.seeds) {
      note(`quality: the demo on ${task} with seed ${seed}`);
      const { results } = await runDemo({ ...defaultDemoOptions, task, seed, out: join(options.folder, `${task}-seed${seed}`), log: () => undefined, progress: process.stderr });
      const success = (name: string) => results.find((result) => result.name === name)?.success.mean ?? NaN;
      for (const result of results) {
        rows.push({
          name: `${task} seed ${seed} ${result.name}`,
          values: { success: result.success.mean, successLow: result.success.low, successHigh: result.success.high, reward: result.reward.mean, rewardLow: result.reward.low, rewardHigh: result.reward.high },
        });
      }
      rows.push({ name: `${task} seed ${seed} ILQL ÷ oracle, ILQL − filtered BC`, values: { ilqlOverOracle: success('ilql') / success('oracle'), ilqlMinusFbc: success('ilql') - success('fbc') } });
    }
  }
  return rows;
};
