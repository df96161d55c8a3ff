/**
 * Simulation speed: whole episodes (persona draw, user simulator, agent, judge) per second for
 * every built-in task, run through `evaluateAgent` exactly as an evaluation runs them; and the
 * wall time of the whole default `demo` (imagine, train three agents, choose β, evaluate six
 * agents), in a fresh folder so nothing is reused.
 *
 * @example
 * const rows = await benchSimulation(tasks, { episodes: 2000, runs: 5 });
 * const demo = await benchDemo({ runs: 1 });
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { behaviourMixture } from '../src/agent/build.ts';
import { evaluateAgent } from '../src/eval/evaluate.ts';
import { defaultDemoOptions, runDemo } from '../src/pipeline/demo.ts';
import type { AgentFactory, TaskSimulator } from '../src/task/types.ts';
import type { ResultRow } from './results.ts';
import { medianOf, note, peakRssMB, repeat } from './sampling.ts';

export type SimulationBenchOptions = { episodes: number; runs: number };

/** Evaluation seed of the benchmark's episodes; any fixed value would do. */
const seed = 1000;

export const benchSimulation = async (tasks: readonly (readonly [string, TaskSimulator<unknown>])[], options: SimulationBenchOptions): Promise<ResultRow[]> => {
  const rows: ResultRow[] = [];
  for (const [taskName, task] of tasks) {
    const agents: [string, AgentFactory<unknown>][] = [
      ['oracle', task.oracle],
      ['naive', task.naive],
      ['behaviour', behaviourMixture(task)],
    ];
    for (const [name, factory] of agents) {
      const samples = await repeat(options.runs, `simulate ${taskName} ${name} (${options.episodes} episodes)`, async () => {
        const started = performance.now();
        const result = await evaluateAgent(task, name, factory, { episodes: options.episodes, seed });
        const seconds = (performance.now() - started) / 1000;
        return { episodesPerSecond: options.episodes / seconds, agentTurnsPerEpisode: result.turns };
      });
      rows.push({ name: `${taskName} ${name}`, values: medianOf(samples) });
    }
  }
  return rows;
};

/** The default demo on travel, `runs` times from scratch; no warm-up, a run lasts minutes. */
export const benchDemo = async (options: { runs: number }): Promise<ResultRow[]> => {
  const samples = [];
  for (let run = 1; run <= options.runs; run += 1) {
    note(`whole default demo: run ${run}/${options.runs}`);
    const out = await mkdtemp(join(tmpdir(), 'reverie-bench-demo-'));
    try {
      const started = performance.now();
      await runDemo({ ...defaultDemoOptions, out, log: () => undefined });
      samples.push({ demoSeconds: (performance.now() - started) / 1000 });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }
  return [{ name: `whole demo (travel, ${defaultDemoOptions.dialogues} dialogues, 3 trainings, 6 agents evaluated)`, values: { ...medianOf(samples), peakRssMB: peakRssMB() } }];
};
