import { describe, expect, it } from 'vitest';
import type { EpisodeRecord } from '../evaluate.ts';
import { PASS_K_BOOTSTRAP, passKCurve } from '../pass-k.ts';
import type { FailureCause, LlmEpisodeFacts, Ratings } from './schemas.ts';
import { summariseLlm } from './summary.ts';

type Outcome =
  | { ratings: [number, number, number, number]; cause?: FailureCause; left?: boolean | 'unreadable' }
  | { failure: 'judge' | 'user'; left?: boolean };

const record = (index: number, trial: number, outcome: Outcome): EpisodeRecord<string> => {
  const llm: LlmEpisodeFacts = { personaId: `p${index}`, tokens: { input: 100, output: 10 } };
  let judgement = { reward: 0, success: false, reason: 'not judged' };
  if ('ratings' in outcome) {
    const [taskSuccess, naturalness, helpfulness, overall] = outcome.ratings;
    const ratings: Ratings = { taskSuccess, naturalness, helpfulness, overall };
    const success = outcome.cause === undefined;
    llm.verdict = { reasoning: 'hand-made', ratings, success, failureCause: outcome.cause ?? 'none' };
    judgement = { reward: (overall - 1) / 4, success, reason: 'hand-made' };
  } else {
    llm.failure = { stage: outcome.failure, message: 'unusable', raw: ['{"overall": 7}'] };
  }
  if (outcome.left === 'unreadable') llm.personaCheck = { message: 'unusable', raw: ['?'] };
  else if (outcome.left !== undefined) llm.personaCheck = { leftPersona: outcome.left, problem: outcome.left ? 'invented a job' : '' };
  return { index, trial, persona: `p${index}`, episode: { turns: [], steps: [{ text: 'a' }, { text: 'b' }], judgement, ended: 'user' }, llm };
};

// Persona 0: a success, then a failure blamed on the agent; persona 1: a success, then a failure
// blamed on the simulator; persona 2: the judge failed once and the simulator once.
const records = [
  record(0, 0, { ratings: [5, 4, 4, 5], left: false }),
  record(0, 1, { ratings: [3, 3, 2, 3], cause: 'agent', left: true }),
  record(1, 0, { ratings: [4, 5, 3, 4], left: 'unreadable' }),
  record(1, 1, { ratings: [2, 4, 2, 2], cause: 'user-simulator', left: false }),
  record(2, 0, { failure: 'judge', left: false }),
  record(2, 1, { failure: 'user' }),
];

// Student t with 3 degrees of freedom: t(0.975, 3) = 3.182446305…
const T3 = 3.182446305284263;

describe('summariseLlm', () => {
  const result = summariseLlm('hand', records);

  it('rates over judged episodes only: means and Student t intervals computed by hand, clipped to 1–5', () => {
    // overall 5, 3, 4, 2: mean 3.5, sample variance 5/3.
    const overallHalf = (T3 * Math.sqrt(5 / 3)) / 2;
    expect(result.llm?.ratings?.overall.mean).toBe(3.5);
    expect(result.llm?.ratings?.overall.low).toBeCloseTo(3.5 - overallHalf, 10);
    expect(result.llm?.ratings?.overall.low).toBeCloseTo(1.44574, 5);
    // 3.5 + 2.05426 = 5.554 is off the scale.
    expect(result.llm?.ratings?.overall.high).toBe(5);
    // naturalness 4, 3, 5, 4: mean 4, variance 2/3, so 4 ± 1.29923 → [2.70077, 5].
    expect(result.llm?.ratings?.naturalness.mean).toBe(4);
    expect(result.llm?.ratings?.naturalness.low).toBeCloseTo(2.70077, 5);
    expect(result.llm?.ratings?.naturalness.high).toBe(5);
    // helpfulness 4, 2, 3, 2: mean 2.75, variance 11/12, so 2.75 ± 1.52348, inside the scale.
    expect(result.llm?.ratings?.helpfulness.mean).toBe(2.75);
    expect(result.llm?.ratings?.helpfulness.low).toBeCloseTo(1.22652, 5);
    expect(result.llm?.ratings?.helpfulness.high).toBeCloseTo(4.27348, 5);
    expect(result.llm?.ratings?.taskSuccess).toEqual(result.llm?.ratings?.overall);
  });

  it('computes success, reward, turns and pass^k from the judged episodes', () => {
    // 2 of 4 judged succeed, one of each persona's two trials: the persona bootstrap sees no spread,
    // so the interval is the Wilson floor over 2 personas, (0.5, 0.09453, 0.90547).
    expect(result.success.mean).toBe(0.5);
    expect(result.success.low).toBeCloseTo(0.09453, 5);
    expect(result.success.high).toBeCloseTo(0.90547, 5);
    // Reward (overall − 1) / 4: 1, 0.5, 0.75, 0.25.
    expect(result.reward.mean).toBeCloseTo(0.625, 12);
    expect(result.turns).toBe(2);
    expect(result.trials).toBe(2);
    expect(result.passK).toEqual(passKCurve([{ trials: 2, successes: 1 }, { trials: 2, successes: 1 }], PASS_K_BOOTSTRAP));
    expect(result.passK?.map((point) => point.mean)).toEqual([0.5, 0]);
  });

  it('keeps every episode for the transcripts and counts what could not be judged', () => {
    expect(result.episodes).toHaveLength(6);
    expect(result.llm).toMatchObject({ judged: 4, judgeFailures: 1, simulatorFailures: 1, failureCauses: { agent: 1, 'user-simulator': 1, task: 0 }, tokens: { input: 600, output: 60 } });
  });

  it('gives the persona-leaving rate a Wilson interval over readable checks', () => {
    // Readable checks: false, true, false, false → 1 of 4; one check was unreadable.
    expect(result.llm?.personaChecked).toBe(4);
    expect(result.llm?.personaCheckFailures).toBe(1);
    expect(result.llm?.personaLeaving?.mean).toBe(0.25);
    expect(result.llm?.personaLeaving?.low).toBeCloseTo(0.04559, 5);
    expect(result.llm?.personaLeaving?.high).toBeCloseTo(0.69936, 5);
  });

  it('has no numbers, rather than an error, when nothing could be judged', () => {
    const none = summariseLlm('broken', [record(0, 0, { failure: 'judge' })]);
    expect(none.success.mean).toBeNaN();
    expect(none.llm?.ratings).toBeUndefined();
    expect(none.llm?.personaLeaving).toBeUndefined();
    expect(none.llm?.judgeFailures).toBe(1);
    expect(none.episodes).toHaveLength(1);
  });
});
