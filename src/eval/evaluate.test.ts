import { beforeAll, describe, expect, it } from 'vitest';
import type { Episode } from '../sim/episode.ts';
import { personaSplit } from '../sim/personas.ts';
import type { AgentFactory, TaskSimulator } from '../task/types.ts';
import { loadTravelTask } from '../tasks/travel/index.ts';
import type { TravelPersona } from '../tasks/travel/persona.ts';
import { behaviourMixture } from '../agent/build.ts';
import { EvaluationError, evaluateAgent, evaluationPersona, summarise } from './evaluate.ts';
import type { AgentResult, EpisodeRecord } from './evaluate.ts';
import { PASS_K_BOOTSTRAP, passKCurve } from './pass-k.ts';
import { meanInterval, personaInterval, wilsonInterval } from './stats.ts';

let task: TaskSimulator<TravelPersona>;
let oracle: AgentResult<TravelPersona>;
let naive: AgentResult<TravelPersona>;

beforeAll(async () => {
  task = await loadTravelTask();
  oracle = await evaluateAgent(task, 'oracle', task.oracle, { episodes: 20, seed: 1000 });
  naive = await evaluateAgent(task, 'naive', task.naive, { episodes: 20, seed: 1000 });
});

const agentTurns = (episode: Episode): number => episode.turns.filter((turn) => turn.role === 'agent').length;

describe('evaluationPersona', () => {
  it('gives the same persona for the same seed and index', () => {
    for (let index = 0; index < 10; index += 1) expect(evaluationPersona(task, 7, index, 'test')).toEqual(evaluationPersona(task, 7, index, 'test'));
  });

  it('draws only personas of the requested split', () => {
    for (let index = 0; index < 40; index += 1) {
      expect(personaSplit(evaluationPersona(task, 3, index, 'test'))).toBe('test');
      expect(personaSplit(evaluationPersona(task, 3, index, 'validation'))).toBe('validation');
    }
  });

  it('varies with the index and the seed', () => {
    const keys = (seed: number) => Array.from({ length: 20 }, (_, index) => JSON.stringify(evaluationPersona(task, seed, index, 'test')));
    expect(new Set(keys(3)).size).toBeGreaterThan(5);
    expect(keys(3)).not.toEqual(keys(4));
  });
});

describe('evaluateAgent', () => {
  it('lets the oracle succeed in every episode', () => {
    expect(oracle.name).toBe('oracle');
    expect(oracle.episodes).toHaveLength(20);
    expect(oracle.success.mean).toBe(1);
    expect(oracle.success.high).toBe(1);
    expect(oracle.success.low).toBeLessThan(1);
    for (const { episode } of oracle.episodes) expect(episode.judgement.success).toBe(true);
  });

  it('gives the naive agent exactly one agent turn per episode', () => {
    expect(naive.episodes).toHaveLength(20);
    for (const { episode } of naive.episodes) {
      expect(agentTurns(episode)).toBe(1);
      expect(episode.steps).toHaveLength(1);
    }
    expect(naive.turns).toBe(1);
    expect(naive.success.mean).toBeLessThan(oracle.success.mean);
  });

  it('numbers episodes in order and uses test-split personas', () => {
    expect(oracle.episodes.map((record) => record.index)).toEqual(Array.from({ length: 20 }, (_, index) => index));
    for (const record of oracle.episodes) {
      expect(personaSplit(record.persona)).toBe('test');
      expect(record.persona).toEqual(evaluationPersona(task, 1000, record.index, 'test'));
    }
  });

  it('makes two agents with the same seed meet the same personas in the same order', async () => {
    expect(naive.episodes.map((record) => record.persona)).toEqual(oracle.episodes.map((record) => record.persona));
    const behaviour = await evaluateAgent(task, 'behaviour', behaviourMixture(task), { episodes: 20, seed: 1000 });
    expect(behaviour.episodes.map((record) => record.persona)).toEqual(oracle.episodes.map((record) => record.persona));
  });

  it('is reproducible: the same agent and seed give the same episodes', async () => {
    const again = await evaluateAgent(task, 'naive', task.naive, { episodes: 20, seed: 1000 });
    expect(again).toEqual(naive);
  });

  it('hands each episode its persona through the factory', async () => {
    const seen: TravelPersona[] = [];
    const spy: AgentFactory<TravelPersona> = (episode) => {
      seen.push(episode.persona);
      return task.naive(episode);
    };
    const result = await evaluateAgent(task, 'spy', spy, { episodes: 5, seed: 1000 });
    expect(seen).toEqual(result.episodes.map((record) => record.persona));
    expect(seen).toEqual(oracle.episodes.slice(0, 5).map((record) => record.persona));
  });
});

describe('evaluateAgent with trials', () => {
  let once: AgentResult<TravelPersona>;
  let thrice: AgentResult<TravelPersona>;
  beforeAll(async () => {
    once = await evaluateAgent(task, 'behaviour', behaviourMixture(task), { episodes: 12, seed: 1000 });
    thrice = await evaluateAgent(task, 'behaviour', behaviourMixture(task), { episodes: 12, seed: 1000, trials: 3 });
  });

  it('is the old evaluation for trials = 1: trial 0 everywhere, no pass^k', async () => {
    expect(once.trials).toBe(1);
    expect(once.passK).toBeUndefined();
    expect(once.episodes.every((record) => record.trial === 0)).toBe(true);
    expect(await evaluateAgent(task, 'behaviour', behaviourMixture(task), { episodes: 12, seed: 1000, trials: 1 })).toEqual(once);
  });

  it('meets each persona `trials` times in a row, its first trial being the trials = 1 episode', () => {
    expect(thrice.episodes).toHaveLength(36);
    expect(thrice.episodes.map((record) => [record.index, record.trial])).toEqual(
      Array.from({ length: 12 }, (_, index) => [0, 1, 2].map((trial) => [index, trial])).flat(),
    );
    for (const record of thrice.episodes) expect(record.persona).toEqual(once.episodes[record.index]?.persona);
    expect(thrice.episodes.filter((record) => record.trial === 0).map(({ index, episode }) => ({ index, episode }))).toEqual(
      once.episodes.map(({ index, episode }) => ({ index, episode })),
    );
  });

  it('gives later trials their own seeds', () => {
    const transcript = (trial: number) => thrice.episodes.filter((record) => record.trial === trial).map((record) => JSON.stringify(record.episode.turns));
    const differing = transcript(0).filter((text, at) => text !== transcript(1)[at]).length;
    expect(differing).toBeGreaterThan(6);
  });

  it('reports pass^1..pass^trials over personas, pass^1 being the success rate', () => {
    expect(thrice.trials).toBe(3);
    expect(thrice.passK?.map((point) => point.k)).toEqual([1, 2, 3]);
    expect(thrice.passK?.[0]?.mean).toBeCloseTo(thrice.success.mean, 12);
    // Trials of one persona move together, so the interval resamples the 12 personas.
    const byPersona = Array.from({ length: 12 }, (_, index) => thrice.episodes.filter((record) => record.index === index).map((record) => (record.episode.judgement.success ? 1 : 0)));
    expect(thrice.success).toEqual(personaInterval(byPersona, PASS_K_BOOTSTRAP));
    expect(thrice.success.mean).toBeCloseTo(thrice.episodes.filter((record) => record.episode.judgement.success).length / 36, 12);
  });

  it('refuses a trial count that is not a positive integer', async () => {
    await expect(evaluateAgent(task, 'naive', task.naive, { episodes: 2, seed: 1, trials: 0 })).rejects.toThrow(EvaluationError);
    await expect(evaluateAgent(task, 'naive', task.naive, { episodes: 2, seed: 1, trials: 1.5 })).rejects.toThrow(/trials 1.5/);
  });
});

describe('summarise', () => {
  const record = (index: number, reward: number, success: boolean, steps: number, trial = 0): EpisodeRecord<string> => ({
    index,
    trial,
    persona: `p${index}`,
    episode: {
      turns: [{ role: 'user', text: 'hi' }],
      steps: Array.from({ length: steps }, (_, i) => ({ text: `step ${i}` })),
      judgement: { reward, success, reason: 'hand-made' },
      ended: 'user',
    },
  });

  it('gives Wilson and t intervals of the same numbers and the mean count of agent steps', () => {
    const episodes = [record(0, 1, true, 2), record(1, 0.25, false, 5), record(2, 0.9, true, 3), record(3, 0, false, 1), record(4, 0.8, true, 4)];
    const result = summarise('hand', episodes);
    expect(result.name).toBe('hand');
    expect(result.success).toEqual(wilsonInterval(3, 5));
    expect(result.success.mean).toBe(0.6);
    // The t interval of these five rewards reaches above 1; rewards cannot.
    const raw = meanInterval([1, 0.25, 0.9, 0, 0.8]);
    expect(raw.high).toBeGreaterThan(1);
    expect(result.reward).toEqual({ mean: raw.mean, low: raw.low, high: 1 });
    expect(result.reward.mean).toBeCloseTo(0.59, 10);
    expect(result.turns).toBe(3);
    expect(result.episodes).toBe(episodes);
  });

  it('groups trials by persona for pass^k', () => {
    const outcomes = [
      [true, true, false],
      [false, false, false],
      [true, true, true],
      [true, false, false],
    ];
    const episodes = outcomes.flatMap((trials, index) => trials.map((success, trial) => record(index, success ? 1 : 0, success, 1, trial)));
    const result = summarise('grouped', episodes);
    expect(result.trials).toBe(3);
    expect(result.passK).toEqual(passKCurve(outcomes.map((trials) => ({ trials: 3, successes: trials.filter(Boolean).length })), PASS_K_BOOTSTRAP));
    // pass^2 by hand: (1/3 + 0 + 1 + 0) / 4
    expect(result.passK?.[1]?.mean).toBeCloseTo(1 / 3, 12);
  });

  it('collapses the reward interval for a single episode', () => {
    const result = summarise('one', [record(0, 0.7, false, 2)]);
    expect(result.reward).toEqual({ mean: 0.7, low: 0.7, high: 0.7 });
    expect(result.success).toEqual(wilsonInterval(0, 1));
    expect(result.turns).toBe(2);
  });
});
