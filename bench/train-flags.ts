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
  'prior-information': { type: 'string' },
  'belief-evidence': { type: 'string' },
  'answer-chance': { type: 'string' },
} as const;

type Flags = { [name in keyof typeof trainFlags]?: string | undefined };

export const givenTrainOptions = (flags: Flags): Partial<TrainOptions> => {
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const on = (value: string | undefined) => (value === undefined ? undefined : ['on', 'true', '1'].includes(value));
  return definedOnly({
    inputDropout: number(flags['input-dropout']),
    prior: flags.prior as TrainOptions['prior'] | undefined,
    beliefWeight: number(flags['belief-weight']),
    polyak: number(flags.polyak),
    expectile: number(flags.expectile),
    cqlWeight: number(flags['cql-weight']),
    answered: on(flags.answered),
    returnMix: number(flags['return-mix']),
    valueBelief: on(flags['value-belief']),
    informationGain: on(flags['information-gain']),
    priorInformation: on(flags['prior-information']),
    beliefEvidence: on(flags['belief-evidence']),
    answerChance: on(flags['answer-chance']),
  });
};
