/**
 * The training flags the one-learner scripts (ablation.ts, value-curve.ts) share, and the options
 * they set: only the flags given, so the defaults (and a task's settings) stay where none is.
 *
 * @example
 * const { values: flags } = parseArgs({ options: { ...trainFlags, task: { type: 'string' } } });
 * const options = { ...defaultTrainOptions, ...givenTrainOptions(flags) };
 */
import type { TrainOptions } from '../src/rl/train.ts';
import { definedOnly } from '../src/util/defined.ts';

export const trainFlags = {
  'input-dropout': { type: 'string' },
  prior: { type: 'string' },
  'belief-weight': { type: 'string' },
  polyak: { type: 'string' },
  expectile: { type: 'string' },
  'cql-weight': { type: 'string' },
  answered: { type: 'string' },
  'value-belief': { type: 'string' },
  'return-mix': { type: 'string' },
  'information-gain': { type: 'string' },
  'belief-evidence': { type: 'string' },
  'answer-chance': { type: 'string' },
} as const;

type Flags = { [name in keyof typeof trainFlags]?: string | undefined };

export const givenTrainOptions = (flags: Flags): Partial<TrainOptions> => {
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return definedOnly({
    inputDropout: number(flags['input-dropout']),
    prior: flags.prior as TrainOptions['prior'] | undefined,
    beliefWeight: number(flags['belief-weight']),
    polyak: number(flags.polyak),
    expectile: number(flags.expectile),
    cqlWeight: number(flags['cql-weight']),
    answered: flags.answered === undefined ? undefined : ['on', 'true', '1'].includes(flags.answered),
    returnMix: number(flags['return-mix']),
    valueBelief: flags['value-belief'] === undefined ? undefined : ['on', 'true', '1'].includes(flags['value-belief']),
    informationGain: flags['information-gain'] === undefined ? undefined : ['on', 'true', '1'].includes(flags['information-gain']),
    beliefEvidence: flags['belief-evidence'] === undefined ? undefined : ['on', 'true', '1'].includes(flags['belief-evidence']),
    answerChance: flags['answer-chance'] === undefined ? undefined : ['on', 'true', '1'].includes(flags['answer-chance']),
  });
};
