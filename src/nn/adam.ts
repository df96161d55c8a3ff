/**
 * Adam over named variables with gradient clipping by global norm per group, whose whole state
 * (the step count and both moments of every variable) can be read out and put back, so a
 * training run killed after a save continues exactly as if it had never stopped. Groups are
 * clipped apart (the LM and the ILQL heads): one norm over both would let the heads' TD and CQL
 * gradients rescale the LM's step.
 *
 * The update is tf.train.adam's (m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
 * θ ← θ − lr·m̂ / (√v̂ + ε)), run as one loop over plain arrays per variable: on WASM a few dozen
 * variables × tf's per-variable kernels cost more than the arithmetic.
 *
 * @example
 * const adam = createAdam(variables, { learningRate: 1e-3, clipNorm: 1 });
 * const { grads } = tf.variableGrads(loss, variables);
 * const norms = adam.apply(grads);       // { lm: 0.8, heads: 2.1 }: each group's norm before clipping
 * const saved = adam.state();            // { step, moments: Map(name → {m, v}) }
 * createAdam(variables, options, saved); // continues from there
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ReverieError } from '../errors.ts';
import { readValues, replaceValues } from './variable-values.ts';

export type AdamOptions = { learningRate: number; clipNorm?: number; beta1?: number; beta2?: number; epsilon?: number };

export type AdamState = { step: number; moments: Map<string, { m: Float32Array; v: Float32Array }> };

export type Adam = {
  /**
   * One step from gradients keyed by tf variable name; returns each group's L2 norm before
   * clipping. `norms: false` skips that pass over every gradient when nothing clips (an empty result).
   */
  apply(gradients: Record<string, tf.Tensor>, options?: { norms?: boolean }): Record<string, number>;
  /** Copies of the step count and moments, keyed by the names given to createAdam. */
  state(): AdamState;
};

export class AdamStateError extends ReverieError {
  override readonly name = 'AdamStateError';
}

/** `group` (default 'all') is the set whose gradients are clipped together. */
export type NamedVariable = { name: string; variable: tf.Variable; group?: string };

function update(g: Float32Array, scale: number, theta: Float32Array, m: Float32Array, v: Float32Array, rate: number, correct2: number, beta1: number, beta2: number, epsilon: number, out: Float32Array): void {
  for (let j = 0; j < theta.length; j += 1) {
    const gj = (g[j] as number) * scale;
    const mj = beta1 * (m[j] as number) + (1 - beta1) * gj;
    const vj = beta2 * (v[j] as number) + (1 - beta2) * gj * gj;
    m[j] = mj;
    v[j] = vj;
    out[j] = (theta[j] as number) - (rate * mj) / (Math.sqrt(vj * correct2) + epsilon);
  }
}

/**
 * `variables` are named by the caller (stable names such as `h.0.attn.c_attn.weight`, unlike tf's
 * global variable names), so a saved state maps back onto freshly loaded variables.
 */
export function createAdam(variables: readonly NamedVariable[], options: AdamOptions, restore?: AdamState): Adam {
  const { learningRate, clipNorm = 0, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = options;
  const moments = variables.map(({ name, variable }) => {
    const saved = restore?.moments.get(name);
    if (restore === undefined) return { m: new Float32Array(variable.size), v: new Float32Array(variable.size) };
    if (saved === undefined || saved.m.length !== variable.size || saved.v.length !== variable.size) {
      throw new AdamStateError(`optimizer state for ${name} is ${saved === undefined ? 'missing' : `of size ${saved.m.length}`}, the variable has ${variable.size} values`, {
        hint: 'Resume with the model the state was saved with, or start again in a new folder.',
      });
    }
    return { m: saved.m.slice(), v: saved.v.slice() };
  });
  let step = restore?.step ?? 0;
  return {
    apply(gradients, { norms: wanted = true } = {}) {
      // Gradients are read where they lie (readValues): every read is used before the next tensor is made.
      const squares: Record<string, number> = {};
      if (wanted || clipNorm > 0) {
        for (const { variable, group = 'all' } of variables) {
          const gradient = gradients[variable.name];
          let sum = squares[group] ?? 0;
          if (gradient !== undefined) for (const g of readValues(gradient)) sum += g ** 2;
          squares[group] = sum;
        }
      }
      const norms = Object.fromEntries(Object.entries(squares).map(([group, sum]) => [group, Math.sqrt(sum)]));
      step += 1;
      const correct2 = 1 / (1 - beta2 ** step);
      const rate = learningRate / (1 - beta1 ** step);
      variables.forEach(({ variable, group = 'all' }, index) => {
        const gradient = gradients[variable.name];
        const norm = norms[group] ?? 0;
        const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
        const moment = moments[index];
        // Variables without a gradient are left alone, as tf's Adam does.
        if (gradient === undefined || moment === undefined) return;
        replaceValues(variable, (theta, next) => update(readValues(gradient), scale, theta, moment.m, moment.v, rate, correct2, beta1, beta2, epsilon, next));
      });
      return norms;
    },
    state: () => ({ step, moments: new Map(variables.map(({ name }, index) => [name, { m: (moments[index] as { m: Float32Array }).m.slice(), v: (moments[index] as { v: Float32Array }).v.slice() }])) }),
  };
}
