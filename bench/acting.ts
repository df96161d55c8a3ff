/**
 * Acting latency: how long one `act` takes for a trained ILQL agent choosing by advantage among
 * the behaviour model's top k, the same agent scoring k replies an LLM proposed (the latency it
 * adds on top of the LLM), and the BC agent following π_β alone. The states are the
 * conversations before agent turns of the training dialogues, spread evenly over the dataset.
 *
 * @example
 * const rows = await benchActing(dialogues, embedder, { trainSteps: 200, calls: 500, runs: 5 });
 */
import { createValueAgent } from '../src/agent/value-agent.ts';
import type { ValueAgentOptions } from '../src/agent/value-agent.ts';
import type { Dialogue } from '../src/data/dialogue.ts';
import { toTransitions } from '../src/data/transitions.ts';
import type { Embedder } from '../src/embed/hashed.ts';
import { defaultTrainOptions, train } from '../src/rl/train.ts';
import type { Algorithm } from '../src/rl/train.ts';
import type { Agent, Turn } from '../src/task/types.ts';
import type { ResultRow } from './results.ts';
import { medianOf, note, quantile, repeat } from './sampling.ts';
import { disposeModel } from './training.ts';

export type ActingBenchOptions = { trainSteps: number; calls: number; runs: number; beta: number; ks: readonly number[] };

/** `count` states spread evenly over the dataset's agent turns (repeating when there are fewer). */
export const sampleStates = (dialogues: readonly Dialogue[], count: number): (readonly Turn[])[] => {
  const states = toTransitions(dialogues).map((transition) => transition.state);
  if (states.length === 0) throw new RangeError('no agent turns in the dataset to take states from');
  return Array.from({ length: count }, (_, i) => states[Math.floor((i * states.length) / count) % states.length] ?? []);
};

/** Milliseconds of each `act` over the states, in order. */
const timeCalls = async (agent: Agent, states: readonly (readonly Turn[])[]): Promise<number[]> => {
  const times: number[] = [];
  for (const state of states) {
    const started = performance.now();
    await agent.act(state);
    times.push(performance.now() - started);
  }
  return times;
};

const latency = async (label: string, agent: Agent, states: readonly (readonly Turn[])[], runs: number) => {
  const samples = await repeat(runs, `act ${label} (${states.length} calls)`, async () => {
    const times = await timeCalls(agent, states);
    return { p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99) };
  });
  return medianOf(samples);
};

const trainFor = async (dialogues: readonly Dialogue[], embedder: Embedder, algorithm: Algorithm, steps: number) => {
  note(`training ${algorithm} for ${steps} steps to act with`);
  return train(dialogues, embedder, { ...defaultTrainOptions, algorithm, steps });
};

export const benchActing = async (dialogues: readonly Dialogue[], embedder: Embedder, options: ActingBenchOptions): Promise<ResultRow[]> => {
  const states = sampleStates(dialogues, options.calls);
  const rows: ResultRow[] = [];
  const ilql = await trainFor(dialogues, embedder, 'ilql', options.trainSteps);
  for (const k of options.ks) {
    const acting: ValueAgentOptions = { name: 'ilql', policy: 'advantage', k, beta: options.beta };
    const agent = createValueAgent(ilql, embedder, acting);
    rows.push({ name: `ilql k=${k}, library (embeddings cached)`, values: { ...(await latency(`ilql k=${k}`, agent, states, options.runs)), library: ilql.library.length } });
  }
  // What the value function adds on top of an LLM's k proposals: the proposer answers at once
  // with k replies (distinct from call to call), so only embedding and scoring them is timed.
  for (const k of options.ks) {
    let call = 0;
    const propose = async (): Promise<string[]> => {
      call += 1;
      return Array.from({ length: k }, (_, i) => `${ilql.library[(call * k + i) % ilql.library.length]} (${call})`);
    };
    const agent = createValueAgent(ilql, embedder, { name: 'ilql', policy: 'advantage', k, beta: options.beta, propose });
    rows.push({ name: `ilql k=${k}, LLM proposals (embedded per call)`, values: await latency(`ilql on k=${k} LLM proposals`, agent, states, options.runs) });
  }
  disposeModel(ilql);
  const bc = await trainFor(dialogues, embedder, 'bc', options.trainSteps);
  const agent = createValueAgent(bc, embedder, { name: 'bc', policy: 'policy', k: 1, beta: 0 });
  rows.push({ name: 'bc policy', values: { ...(await latency('bc policy', agent, states, options.runs)), library: bc.library.length } });
  disposeModel(bc);
  return rows;
};
