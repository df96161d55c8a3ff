/**
 * The named variables of the utterance-level networks (see network.ts) and what every head needs
 * to read them: lookups that name a missing parameter, which parameters the optimiser leaves
 * alone, and the belief's layout and gain (see belief-heads.ts).
 *
 * @example
 * const w = as2d(parameters, 'state.w1'); // throws "network parameter state.w1 is missing" if absent
 */
import type * as tf from '@tensorflow/tfjs-core';

export type Parameters = Map<string, tf.Variable>;

/** Which field each belief value belongs to, one-hot [values, fields]: fixed by the shape, not learned. */
export const beliefFields = 'belief.fields';
/**
 * The belief heads are linear maps from sparse features, started at zero. Adam moves each weight
 * by about the learning rate per step, and a feature such as one country's name turns up in few
 * batches, so at the network's rate they barely move in 3,000 steps. Scaling their outputs by 10
 * makes them learn ten times faster than the rest (measured on countries, 20,000 dialogues: belief
 * mass on countries that fit every answer 0.79 → 0.90). The match weights that the prior and Q
 * read it with are scaled alike.
 */
export const beliefGain = 10;

export const isTargetParameter = (name: string): boolean => name.startsWith('target-');
/** Parameters the optimiser does not update: the target heads (Polyak copies) and the belief layout. */
export const isFixedParameter = (name: string): boolean => isTargetParameter(name) || name === beliefFields;

export const parameterNamed = (parameters: Parameters, name: string): tf.Variable => {
  const variable = parameters.get(name);
  if (variable === undefined) throw new Error(`network parameter ${name} is missing`);
  return variable;
};

export const as2d = (parameters: Parameters, name: string) => parameterNamed(parameters, name) as tf.Tensor as tf.Tensor2D;
export const as1d = (parameters: Parameters, name: string) => parameterNamed(parameters, name) as tf.Tensor as tf.Tensor1D;
/** Which field each belief value belongs to, [values, fields] (see beliefFields). */
export const beliefLayout = (parameters: Parameters): tf.Tensor2D => as2d(parameters, beliefFields);
