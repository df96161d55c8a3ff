/**
 * Measures agents on held-out personas: every agent meets the same personas (drawn from the
 * test split, which no training dialogue uses), each episode is judged, and success and reward
 * come with 95% confidence intervals (Wilson for success, Student t for the mean reward).
 *
 * @example
 * const result = await evaluateAgent(task, 'ilql', () => agent, { episodes: 500, seed: 1000 });
 * result.success // → { mean: 0.82, low: 0.78, high: 0.85 }
 */
import { runEpisode } from '../sim/episode.ts';
import type { Episode } from '../sim/episode.ts';
import { samplePersonaIn } from '../sim/personas.ts';
import type { PersonaSplit } from '../sim/personas.ts';
import type { AgentFactory, TaskSimulator } from '../task/types.ts';
import { createRng } from '../util/rng.ts';
import { meanInterval, wilsonInterval } from './stats.ts';
import type { Interval } from './stats.ts';

export type EvaluationOptions = { episodes: number; seed: number; split?: PersonaSplit };

export type EpisodeRecord<P> = { index: number; persona: P; episode: Episode };

export type AgentResult<P> = {
  name: string;
  success: Interval;
  reward: Interval;
  turns: number;
  episodes: EpisodeRecord<P>[];
};

/** The i-th evaluation persona; the same for every agent evaluated with the same seed. */
export const evaluationPersona = <P>(task: TaskSimulator<P>, seed: number, index: number, split: PersonaSplit): P =>
  samplePersonaIn(task, split, createRng(seed).fork(`persona-${index}`));

export const summarise = <P>(name: string, episodes: EpisodeRecord<P>[]): AgentResult<P> => {
  const rewards = episodes.map(({ episode }) => episode.judgement.reward);
  const successes = episodes.filter(({ episode }) => episode.judgement.success).length;
  const turns = episodes.reduce((sum, { episode }) => sum + episode.steps.length, 0) / Math.max(1, episodes.length);
  return { name, success: wilsonInterval(successes, episodes.length), reward: meanInterval(rewards), turns, episodes };
};

export const evaluateAgent = async <P>(
  task: TaskSimulator<P>,
  name: string,
  factory: AgentFactory<P>,
  options: EvaluationOptions,
): Promise<AgentResult<P>> => {
  const split = options.split ?? 'test';
  const episodes: EpisodeRecord<P>[] = [];
  for (let index = 0; index < options.episodes; index += 1) {
    const persona = evaluationPersona(task, options.seed, index, split);
    const rng = createRng(options.seed).fork(`episode-${index}`);
    const agent = factory({ rng: rng.fork(`agent-${name}`), persona });
    episodes.push({ index, persona, episode: await runEpisode(task, persona, agent, rng.fork('conversation')) });
  }
  return summarise(name, episodes);
};

/** The imagined data's own behaviour: each episode is run by a behaviour agent drawn by weight. */
export const behaviourMixture = <P>(task: TaskSimulator<P>): AgentFactory<P> => (episode) => {
  const behaviour = episode.rng.fork('behaviour').weighted(task.behaviours, task.behaviours.map((candidate) => candidate.weight));
  return behaviour.create(episode);
};
