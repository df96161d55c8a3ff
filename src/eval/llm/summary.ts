/**
 * The numbers of an LLM evaluation per agent. Success, reward, turns and pass^k are computed as
 * for any evaluation, over the episodes the judge could rate; episodes it could not rate (judge
 * or simulator failures) are counted beside them and kept for the transcripts. Each 1–5 rating
 * gets its mean with a Student t 95% interval, clipped to [1, 5]; the persona-leaving rate a Wilson interval over
 * the episodes whose consistency check could be read.
 *
 * @example
 * const result = summariseLlm('prompted', records);
 * result.llm?.ratings.overall; // { mean: 3.4, low: 3.1, high: 3.7 }
 */
import { summarise } from '../evaluate.ts';
import type { AgentResult, EpisodeRecord } from '../evaluate.ts';
import { meanInterval, wilsonInterval } from '../stats.ts';
import type { Interval } from '../stats.ts';
import { failureCauses, ratingNames } from './schemas.ts';
import type { FailureCause, JudgeVerdict, LlmSummary, RatingName } from './schemas.ts';

export type { LlmSummary };

const NONE: Interval = { mean: Number.NaN, low: Number.NaN, high: Number.NaN };

export const summariseLlm = <P>(name: string, records: EpisodeRecord<P>[]): AgentResult<P> => {
  const verdicts = records.flatMap((record) => (record.llm?.verdict === undefined ? [] : [record.llm.verdict]));
  const judged = records.filter((record) => record.llm?.verdict !== undefined);
  const base: AgentResult<P> = judged.length > 0 ? summarise(name, judged) : { name, success: NONE, reward: NONE, turns: Number.NaN, trials: 1, episodes: [] };
  const failures = (stage: 'judge' | 'user') => records.filter((record) => record.llm?.failure?.stage === stage).length;
  const checks = records.flatMap((record) => (record.llm?.personaCheck === undefined ? [] : [record.llm.personaCheck]));
  const readable = checks.flatMap((check) => ('leftPersona' in check ? [check.leftPersona] : []));
  const causes = Object.fromEntries(failureCauses.map((cause) => [cause, 0])) as Record<FailureCause, number>;
  for (const verdict of verdicts) if (!verdict.success && verdict.failureCause !== 'none') causes[verdict.failureCause] += 1;
  // Clipped to the scale: a mean of 1–5 ratings cannot lie outside it, whatever t says for few episodes.
  const rating = (key: RatingName): Interval => {
    const interval = meanInterval(verdicts.map((verdict: JudgeVerdict) => verdict.ratings[key]));
    return { mean: interval.mean, low: Math.max(1, interval.low), high: Math.min(5, interval.high) };
  };
  return {
    ...base,
    episodes: records,
    llm: {
      judged: judged.length,
      judgeFailures: failures('judge'),
      simulatorFailures: failures('user'),
      ratings: verdicts.length === 0 ? undefined : (Object.fromEntries(ratingNames.map((key) => [key, rating(key)])) as Record<RatingName, Interval>),
      failureCauses: causes,
      personaLeaving: readable.length === 0 ? undefined : wilsonInterval(readable.filter(Boolean).length, readable.length),
      personaChecked: readable.length,
      personaCheckFailures: checks.length - readable.length,
      tokens: {
        input: records.reduce((sum, record) => sum + (record.llm?.tokens.input ?? 0), 0),
        output: records.reduce((sum, record) => sum + (record.llm?.tokens.output ?? 0), 0),
      },
    },
  };
};
