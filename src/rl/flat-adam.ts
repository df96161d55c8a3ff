/**
 * Adam over all trainable variables at once, and the Polyak update of target copies. tf's own
 * Adam runs about twenty small kernels per variable; with thirty variables that is six hundred
 * kernel calls a step, each with a fixed cost on the WASM backend larger than the arithmetic.
 * Here every variable's gradient is flattened into one vector, the moments live in one vector
 * each, and the update runs as a dozen kernels whatever the number of variables.
 *
 * The arithmetic is tf.train.adam's: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
 * θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε).
 *
 * @example
 * const adam = createFlatAdam(trainable, { learningRate: 1e-3 });
 * const { value, grads } = tf.variableGrads(loss, trainable);
 * adam.apply(grads); // then dispose value and grads
 */
import * as tf from '@tensorflow/tfjs-core';

export type FlatAdamOptions = { learningRate: number; beta1?: number; beta2?: number; epsilon?: number };

export type FlatAdam = {
  /** One Adam step from gradients keyed by variable name; variables without a gradient are left alone, as tf's Adam does. */
  apply(gradients: Record<string, tf.Tensor>): void;
};

/** A variable's values as a private copy (the cpu backend's dataSync hands out its own storage). */
const valuesOf = (tensor: tf.Tensor): Float32Array => (tensor.dataSync() as Float32Array).slice();

const write = (variable: tf.Variable, values: Float32Array): void => {
  const next = tf.tensor(values, variable.shape, 'float32');
  variable.assign(next);
  next.dispose();
};

/** One Adam update in place; a plain top-level loop, which V8 compiles to tight code. */
function adamStep(g: Float32Array, theta: Float32Array, m: Float32Array, v: Float32Array, rate: number, correct2: number, beta1: number, beta2: number, epsilon: number): void {
  for (let j = 0; j < theta.length; j += 1) {
    const gj = g[j] as number;
    const mj = beta1 * (m[j] as number) + (1 - beta1) * gj;
    const vj = beta2 * (v[j] as number) + (1 - beta2) * gj * gj;
    m[j] = mj;
    v[j] = vj;
    theta[j] = (theta[j] as number) - (rate * mj) / (Math.sqrt(vj * correct2) + epsilon);
  }
}

export const createFlatAdam = (variables: readonly tf.Variable[], options: FlatAdamOptions): FlatAdam => {
  const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = options;
  const moments = variables.map((variable) => ({ m: new Float32Array(variable.size), v: new Float32Array(variable.size) }));
  let step = 0;
  return {
    apply(gradients) {
      step += 1;
      const correct1 = 1 / (1 - beta1 ** step);
      const correct2 = 1 / (1 - beta2 ** step);
      variables.forEach((variable, index) => {
        const gradient = gradients[variable.name];
        const moment = moments[index];
        if (gradient === undefined || moment === undefined) return;
        const theta = valuesOf(variable);
        adamStep(gradient.dataSync() as Float32Array, theta, moment.m, moment.v, learningRate * correct1, correct2, beta1, beta2, epsilon);
        write(variable, theta);
      });
    },
  };
};

/** target ← (1 − ρ)·target + ρ·online for each pair. */
export const polyakAverage = (pairs: readonly { target: tf.Variable; online: tf.Variable }[], rate: number): void => {
  for (const { target, online } of pairs) {
    const mixed = valuesOf(target);
    const fresh = online.dataSync();
    for (let j = 0; j < mixed.length; j += 1) mixed[j] = (1 - rate) * (mixed[j] as number) + rate * (fresh[j] as number);
    write(target, mixed);
  }
};
