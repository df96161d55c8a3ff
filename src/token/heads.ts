/**
 * ILQL heads over a language model's hidden states h [N, d]: twin Q heads giving Q(s, ·) over
 * the whole vocabulary, their Polyak-averaged target copies, and a V head.
 *
 * Each head is an MLP d → width → out with a ReLU, as in Snell et al.'s reference (width 2d,
 * out = vocab for Q, 1 for V). The cost is the width × vocab output layer; `width` is a
 * parameter so that width = d costs what a linear d → vocab head costs while keeping the hidden
 * layer that lets Q read features the LM head does not use. The output layers start at 1% of
 * the Glorot scale, so Q and V start near 0 and β·(Q − V) leaves the LM's policy unchanged until
 * the heads have learned something, while the hidden layers still receive gradients from step one.
 *
 * Parameter names (`ilql.q1.w1`, `ilql.target-q2.b2`, `ilql.v.w2`, …) are the names to save in a
 * safetensors file next to the LM's weights.
 *
 * @example
 * const heads = initIlqlHeads({ hiddenSize: 768, vocabSize: 50257, width: 768 }, createRng(1));
 * const q1 = qValues(heads, 'q1', h);            // [N, vocab]
 * const target = targetQMinTaken(heads, h, a);   // [N], min over target heads at the taken tokens
 * polyakUpdate(heads, 0.005);
 */
import * as tf from '@tensorflow/tfjs-core';
import { ReverieError } from '../errors.ts';
import { glorotUniform, linear } from '../nn/linear.ts';
import { polyakAverage } from '../nn/polyak.ts';
import type { Rng } from '../util/rng.ts';

export class IlqlHeadError extends ReverieError {
  override readonly name = 'IlqlHeadError';
}

export type HeadShape = {
  /** d, the LM's hidden size. */
  hiddenSize: number;
  vocabSize: number;
  /** Hidden width of every head; 2·hiddenSize (the reference) when left out. */
  width?: number;
};

export type QHead = 'q1' | 'q2' | 'target-q1' | 'target-q2';
export type IlqlHeads = Map<string, tf.Variable>;

const prefix = 'ilql';
const qHeads: readonly QHead[] = ['q1', 'q2', 'target-q1', 'target-q2'];
/** Scale of the output layers relative to Glorot: small, so Q and V start near 0. */
const outputScale = 0.01;

export const isTargetHead = (name: string): boolean => name.startsWith(`${prefix}.target-`);

export function headShapes({ hiddenSize: d, vocabSize, width = 2 * d }: HeadShape): Map<string, number[]> {
  for (const [label, value] of [['hiddenSize', d], ['vocabSize', vocabSize], ['width', width]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new IlqlHeadError(`ILQL heads: ${label} ${value} is not a positive integer`, {
        hint: 'Take hiddenSize and vocabSize from the language model config.',
      });
    }
  }
  const shapes = new Map<string, number[]>();
  for (const head of [...qHeads, 'v']) {
    const out = head === 'v' ? 1 : vocabSize;
    shapes.set(`${prefix}.${head}.w1`, [d, width]).set(`${prefix}.${head}.b1`, [width]);
    shapes.set(`${prefix}.${head}.w2`, [width, out]).set(`${prefix}.${head}.b2`, [out]);
  }
  return shapes;
}

export function initIlqlHeads(shape: HeadShape, rng: Rng): IlqlHeads {
  const heads: IlqlHeads = new Map();
  const random = () => rng.next();
  for (const [name, dims] of headShapes(shape)) {
    if (isTargetHead(name)) continue;
    const [rows = 1, cols] = dims;
    let values = cols === undefined ? new Float32Array(rows) : glorotUniform(rows, cols, random);
    if (name.endsWith('.w2')) values = values.map((value) => value * outputScale);
    const initial = tf.tensor(values, dims);
    heads.set(name, tf.variable(initial, true));
    initial.dispose();
  }
  // Targets start as exact copies of the heads they follow, and are never trained by gradients.
  for (const name of headShapes(shape).keys()) {
    if (!isTargetHead(name)) continue;
    // Unnamed: tf keeps one global registry of variable names, and two sets of heads must coexist.
    heads.set(name, tf.variable(get(heads, name.replace('target-', '')), false));
  }
  return heads;
}

function get(heads: IlqlHeads, name: string): tf.Variable {
  const variable = heads.get(name);
  if (variable === undefined) {
    throw new IlqlHeadError(`ILQL heads: parameter ${name} is missing`, {
      hint: 'Create the heads with initIlqlHeads, or load every ilql.* tensor from the checkpoint.',
    });
  }
  return variable;
}

const matrix = (heads: IlqlHeads, name: string) => get(heads, name) as tf.Tensor as tf.Tensor2D;
const vector = (heads: IlqlHeads, name: string) => get(heads, name) as tf.Tensor as tf.Tensor1D;

function hiddenLayer(heads: IlqlHeads, head: string, h: tf.Tensor2D): tf.Tensor2D {
  const w1 = matrix(heads, `${prefix}.${head}.w1`);
  if (h.rank !== 2 || h.shape[1] !== w1.shape[0]) {
    throw new IlqlHeadError(`ILQL heads: hidden states of shape [${h.shape}] do not match the heads' size ${w1.shape[0]}`, {
      hint: 'Pass hidden states as [N, d]: reshape [B, T, d] to [B·T, d], or gather the action positions first.',
    });
  }
  return tf.relu(linear(h, w1, vector(heads, `${prefix}.${head}.b1`)));
}

/** Q(s, ·) of one head for every row of h: [N, vocab]. */
export function qValues(heads: IlqlHeads, head: QHead, h: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => linear(hiddenLayer(heads, head, h), matrix(heads, `${prefix}.${head}.w2`), vector(heads, `${prefix}.${head}.b2`)));
}

/**
 * Q(s_i, a_i) of one head at one token per row: [N]. Only the taken tokens' output columns are
 * read, so this costs N·width instead of N·width·vocab: what the target heads need in training.
 * Meant for heads that take no gradient (the targets): the gradient of a column gather is a
 * segment sum over the vocabulary, slow on the cpu backend.
 */
export function qTaken(heads: IlqlHeads, head: QHead, h: tf.Tensor2D, tokens: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const hidden = hiddenLayer(heads, head, h);
    const columns = tf.transpose(tf.gather(matrix(heads, `${prefix}.${head}.w2`), tokens, 1)); // [N, width]
    return tf.add(tf.sum(tf.mul(hidden, columns), 1), tf.gather(vector(heads, `${prefix}.${head}.b2`), tokens)) as tf.Tensor1D;
  });
}

/** min(target Q1, target Q2)(s, ·): the pessimistic Q the reference acts with; [N, vocab]. */
export function targetQMin(heads: IlqlHeads, h: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.minimum(qValues(heads, 'target-q1', h), qValues(heads, 'target-q2', h)));
}

/** min over the target heads at the taken tokens, the V head's regression target: [N]. */
export function targetQMinTaken(heads: IlqlHeads, h: tf.Tensor2D, tokens: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.minimum(qTaken(heads, 'target-q1', h, tokens), qTaken(heads, 'target-q2', h, tokens)));
}

/** V(s) for every row of h: [N]. */
export function stateValues(heads: IlqlHeads, h: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.reshape(linear(hiddenLayer(heads, 'v', h), matrix(heads, `${prefix}.v.w2`), vector(heads, `${prefix}.v.b2`)), [-1]) as tf.Tensor1D);
}

/** The variables gradients should update: every head but the targets. */
export const trainableHeadVariables = (heads: IlqlHeads): tf.Variable[] => [...heads].filter(([name]) => !isTargetHead(name)).map(([, variable]) => variable);

/** target ← (1 − ρ)·target + ρ·online for every target parameter; ρ = 1 copies. */
export function polyakUpdate(heads: IlqlHeads, rate: number): void {
  if (!(rate >= 0 && rate <= 1)) {
    throw new IlqlHeadError(`Polyak rate ${rate} is outside [0, 1]`, { hint: 'The reference uses 0.005.' });
  }
  polyakAverage(
    [...heads].filter(([name]) => isTargetHead(name)).map(([name, target]) => ({ target, online: get(heads, name.replace('target-', '')) })),
    rate,
  );
}

export function disposeHeads(heads: IlqlHeads): void {
  for (const variable of heads.values()) variable.dispose();
}
