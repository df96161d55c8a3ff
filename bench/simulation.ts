/**
 * Simulation speed: whole travel episodes (persona draw, user simulator, agent, judge) per
 * second, run through `evaluateAgent` exactly as an evaluation runs them.
 *
 * @example
 * const rows = await benchSimulation(task, { episodes: 2000, runs: 5 });
 */
import { behaviourMixture, evaluateAgent } from '../src/eval/evaluate.ts';
import type { AgentFactory, TaskSimulator } from '../src/task/types.ts';
import type { ResultRow } from './results.ts';
import { medianOf, repeat } from './sampling.ts';

export type SimulationBenchOptions = { episodes: number; runs: number };

/** Evaluation seed of the benchmark's episodes; any fixed value would do. */
const seed = 1000;

export const benchSimulation = async <P>(task: TaskSimulator<P>, options: SimulationBenchOptions): Promise<ResultRow[]> => {
  const agents: [string, AgentFactory<P>][] = [
    ['oracle', task.oracle],
    ['naive', task.naive],
    ['behaviour', behaviourMixture(task)],
  ];
  const rows: ResultRow[] = [];
  for (const [name, factory] of agents) {
    const samples = await repeat(options.runs, `simulate ${name} (${options.episodes} episodes)`, async () => {
      const started = performance.now();
      const result = await evaluateAgent(task, name, factory, { episodes: options.episodes, seed });
      const seconds = (performance.now() - started) / 1000;
      return { episodesPerSecond: options.episodes / seconds, agentTurnsPerEpisode: result.turns };
    });
    rows.push({ name, values: medianOf(samples) });
  }
  return rows;
};
