/**
 * Measures agents on held-out personas: every agent meets the same personas (drawn from the
 * test split, which no training dialogue uses), each episode is judged, and success and reward
 * come with 95% confidence intervals (Wilson for success, Student t for the mean reward). With
 * `trials` > 1 each persona is met that many times with different episode seeds, which defines
 * pass^k (does the agent succeed with the same user every time?), and both intervals resample
 * personas instead, since a persona's trials are not independent (personaInterval).
 *
 * `evaluate` is the one loop over (agent, persona, trial) episodes; `evaluateAgents` and
 * `evaluateAgent` run it on a built-in task's simulator, and the LLM evaluation runs it on LLM
 * users and an LLM judge (llm/evaluate.ts).
 *
 * @example
 * const result = await evaluateAgent(task, 'ilql', () => agent, { episodes: 500, seed: 1000 });
 * result.success // → { mean: 0.82, low: 0.78, high: 0.85 }
 */
import { ReverieError } from '../errors.ts';
import { runEpisode } from '../sim/episode.ts';
import type { Episode } from '../sim/episode.ts';
import { samplePersonaIn } from '../sim/personas.ts';
import type { PersonaSplit } from '../sim/personas.ts';
import type { AgentFactory, TaskSimulator } from '../task/types.ts';
import { createRng } from '../util/rng.ts';
import type { LlmEpisodeFacts, LlmSummary } from './llm/schemas.ts';
import { PASS_K_BOOTSTRAP, passKCurve } from './pass-k.ts';
import type { PassKPoint } from './pass-k.ts';
import { meanInterval, personaInterval, wilsonInterval } from './stats.ts';
import type { Interval } from './stats.ts';
import { diagnose } from './diagnostics.ts';
import type { Diagnostics } from './diagnostics.ts';

export type EvaluationOptions<P = unknown> = {
  /** How many personas each agent meets. */
  episodes: number;
  seed: number;
  split?: PersonaSplit;
  /** Episodes per persona, each with its own seed (default 1). */
  trials?: number;
  /** Episodes finished by an interrupted run are taken from here, and new ones written to it. */
  store?: EpisodeStore<P>;
};

/** `index` numbers the persona; `trial` (0-based) the attempt at it. `llm`: what an LLM evaluation adds. */
export type EpisodeRecord<P> = { index: number; trial: number; persona: P; episode: Episode; llm?: LlmEpisodeFacts };

/** Where finished episodes are kept so an interrupted evaluation can resume (see journal.ts). */
export type EpisodeStore<P> = {
  /** The finished episode of this persona and trial, if an earlier run recorded one. */
  get(index: number, trial: number, persona: P): EpisodeRecord<P> | undefined;
  put(record: EpisodeRecord<P>): Promise<void>;
};

export type AgentResult<P> = {
  name: string;
  /** Over all episodes, each counted on its own (see the report's note for trials > 1). */
  success: Interval;
  reward: Interval;
  turns: number;
  /** The most attempts any persona had; 1 unless evaluated with trials. */
  trials: number;
  /** pass^1 .. pass^trials with persona-bootstrap intervals; only when trials > 1. */
  passK?: PassKPoint[];
  episodes: EpisodeRecord<P>[];
  /** Ratings, failure attribution and the rest, for agents evaluated by an LLM judge. */
  llm?: LlmSummary;
  /** Repeated turns, distinct openings and, on guessing tasks, how well guesses fit the answers. */
  diagnostics?: Diagnostics;
};

export class EvaluationError extends ReverieError {
  override readonly name = 'EvaluationError';
}

/** The i-th evaluation persona; the same for every agent evaluated with the same seed. */
export const evaluationPersona = <P>(task: TaskSimulator<P>, seed: number, index: number, split: PersonaSplit): P =>
  samplePersonaIn(task, split, createRng(seed).fork(`persona-${index}`));

/** Rewards lie in [0, 1], so their interval does too (a t interval on few episodes can overshoot). */
const withinUnit = (interval: Interval): Interval => ({ mean: interval.mean, low: Math.max(0, interval.low), high: Math.min(1, interval.high) });

export const summarise = <P>(name: string, episodes: EpisodeRecord<P>[]): AgentResult<P> => {
  const rewards = episodes.map(({ episode }) => episode.judgement.reward);
  const successes = episodes.filter(({ episode }) => episode.judgement.success).length;
  const turns = episodes.reduce((sum, { episode }) => sum + episode.steps.length, 0) / Math.max(1, episodes.length);
  const byPersona = new Map<number, { trials: number; successes: number }>();
  for (const { index, episode } of episodes) {
    const persona = byPersona.get(index) ?? { trials: 0, successes: 0 };
    persona.trials += 1;
    if (episode.judgement.success) persona.successes += 1;
    byPersona.set(index, persona);
  }
  const trials = Math.max(1, ...[...byPersona.values()].map((persona) => persona.trials));
  if (trials === 1) return { name, success: wilsonInterval(successes, episodes.length), reward: withinUnit(meanInterval(rewards)), turns, trials, episodes };
  // A persona's trials are not independent of each other: the intervals resample personas.
  const groups = new Map<number, { successes: number[]; rewards: number[] }>();
  for (const { index, episode } of episodes) {
    const group = groups.get(index) ?? { successes: [], rewards: [] };
    group.successes.push(episode.judgement.success ? 1 : 0);
    group.rewards.push(episode.judgement.reward);
    groups.set(index, group);
  }
  const byGroup = [...groups.values()];
  return {
    name,
    success: personaInterval(byGroup.map((group) => group.successes), PASS_K_BOOTSTRAP),
    reward: personaInterval(byGroup.map((group) => group.rewards), PASS_K_BOOTSTRAP),
    turns,
    trials,
    passK: passKCurve([...byPersona.values()], PASS_K_BOOTSTRAP),
    episodes,
  };
};

/** One episode to run: which agent, which persona (by index) and which attempt at it. */
export type EvaluationJob<P> = { agent: number; index: number; trial: number; persona: P };

export type EvaluateOptions<P> = {
  /** The agents' names, in the order of the results. */
  agents: readonly string[];
  /** The i-th held-out persona; every agent meets the same ones. */
  persona(index: number): P;
  /** How many personas each agent meets. */
  episodes: number;
  /** Episodes per persona, each with its own seed (default 1). */
  trials?: number;
  /** Runs one episode; the record's index, trial and persona are the job's. */
  run(job: EvaluationJob<P>): Promise<EpisodeRecord<P>>;
  /** Per agent: episodes an interrupted run finished are taken from here, and new ones written to it. */
  stores?: readonly (EpisodeStore<P> | undefined)[];
  /** Episodes in flight at once (default 1: in order, one after the other). */
  parallel?: number;
  /** Called once the stores have been read, with the number of episodes left to run. */
  onStart?(pending: number): void;
  /** Called after each episode that was run (not for those taken from a store). */
  onEpisode?(record: EpisodeRecord<P>, job: EvaluationJob<P>): void;
  /** From an agent's records, ordered by persona and trial, its result (default `summarise`). */
  summarise?(name: string, records: EpisodeRecord<P>[]): AgentResult<P>;
};

/**
 * The one evaluation loop, for built-in simulators and LLM users alike: every (agent, persona,
 * trial) episode not already in the agent's store is run, written to the store the moment it
 * ends, and summarised per agent. A failing episode stops new ones; those in flight finish and
 * are stored, then the error is thrown, so a rerun picks up from there.
 */
export const evaluate = async <P>(options: EvaluateOptions<P>): Promise<AgentResult<P>[]> => {
  const trials = options.trials ?? 1;
  if (!(Number.isInteger(trials) && trials >= 1)) {
    throw new EvaluationError(`evaluate: trials ${trials} is not a positive integer`, { hint: 'Use --trials 1 for one episode per persona, or more for pass^k.' });
  }
  const records: EpisodeRecord<P>[][] = options.agents.map(() => []);
  const jobs: EvaluationJob<P>[] = [];
  options.agents.forEach((_, agent) => {
    for (let index = 0; index < options.episodes; index += 1) {
      const persona = options.persona(index);
      for (let trial = 0; trial < trials; trial += 1) {
        const stored = options.stores?.[agent]?.get(index, trial, persona);
        if (stored === undefined) jobs.push({ agent, index, trial, persona });
        else records[agent]?.push(stored);
      }
    }
  });
  options.onStart?.(jobs.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < jobs.length) {
      const job = jobs[next++] as EvaluationJob<P>;
      try {
        const record = await options.run(job);
        await options.stores?.[job.agent]?.put(record);
        records[job.agent]?.push(record);
        options.onEpisode?.(record, job);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel ?? 1, Math.max(1, jobs.length)) }, worker));
  if (failure !== undefined) throw failure.error;
  const order = (a: EpisodeRecord<P>, b: EpisodeRecord<P>) => a.index - b.index || a.trial - b.trial;
  return options.agents.map((name, at) => (options.summarise ?? summarise)(name, (records[at] ?? []).sort(order)));
};

/** Trial 0 keeps the seeds evaluations had before trials existed, so their numbers do not move. */
export const episodeRng = (seed: number, index: number, trial: number) =>
  createRng(seed).fork(trial === 0 ? `episode-${index}` : `episode-${index}-trial-${trial}`);

/** A built-in task's episode as evaluation runs it: the agent's and the conversation's seeds come from (seed, persona, trial). */
export const simulatorEpisode = async <P>(task: TaskSimulator<P>, name: string, factory: AgentFactory<P>, seed: number, job: EvaluationJob<P>): Promise<EpisodeRecord<P>> => {
  const rng = episodeRng(seed, job.index, job.trial);
  const agent = factory({ rng: rng.fork(`agent-${name}`), persona: job.persona });
  return { index: job.index, trial: job.trial, persona: job.persona, episode: await runEpisode(task, job.persona, agent, rng.fork('conversation')) };
};

/** Agents on a built-in task's held-out personas, with its own simulator and judge. */
export const evaluateAgents = async <P>(
  task: TaskSimulator<P>,
  agents: readonly { name: string; factory: AgentFactory<P>; store?: EpisodeStore<P> | undefined }[],
  options: Omit<EvaluationOptions<P>, 'store'> & { parallel?: number; onEpisode?: EvaluateOptions<P>['onEpisode'] },
): Promise<AgentResult<P>[]> => {
  const split = options.split ?? 'test';
  return evaluate({
    agents: agents.map((agent) => agent.name),
    persona: (index) => evaluationPersona(task, options.seed, index, split),
    episodes: options.episodes,
    trials: options.trials ?? 1,
    stores: agents.map((agent) => agent.store),
    run: (job) => simulatorEpisode(task, (agents[job.agent] as (typeof agents)[number]).name, (agents[job.agent] as (typeof agents)[number]).factory, options.seed, job),
    ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
    ...(options.onEpisode === undefined ? {} : { onEpisode: options.onEpisode }),
    summarise: (name, records) => ({ ...summarise(name, records), diagnostics: diagnoseEpisodes(task, records) }),
  });
};

/** How the agent behaved in these episodes (see diagnostics.ts). */
export const diagnoseEpisodes = <P>(task: Pick<TaskSimulator<P>, 'reviewGuesses'>, records: readonly EpisodeRecord<P>[]): Diagnostics =>
  diagnose(
    records.map(({ episode }) => episode.turns),
    task.reviewGuesses?.bind(task),
  );

/** One agent on a built-in task's held-out personas (see evaluateAgents). */
export const evaluateAgent = async <P>(task: TaskSimulator<P>, name: string, factory: AgentFactory<P>, options: EvaluationOptions<P>): Promise<AgentResult<P>> => {
  const [result] = await evaluateAgents(task, [{ name, factory, store: options.store }], options);
  return result as AgentResult<P>;
};
