/**
 * Token-level ILQL losses (Snell et al., 2022) over N positions, each a masked mean over the
 * action positions so that padding and state tokens count for nothing:
 * - TD: (Q_i(s_t, a_t) − (r_t + γ(1 − done_t)·V(s_{t+1})))² for both Q heads, summed over the
 *   heads as in the reference; V(s_{t+1}) is the V head itself under a stop-gradient (the
 *   reference has no target V: the target Q heads give V its target instead);
 * - value: expectile regression of V(s_t) toward min(target Q1, target Q2)(s_t, a_t), weight τ
 *   where the target is above V and 1 − τ below;
 * - CQL: logsumexp_a Q_i(s_t, a) − Q_i(s_t, a_t), i.e. the cross-entropy of softmax(Q_i) with the
 *   data's token, summed over both heads;
 * - LM: cross-entropy of the policy's logits with the next token, on the mask the caller gives.
 *   We train π_β on the agent's tokens only (pass the action mask): π_β is the behaviour policy
 *   of the agent, the only thing it is asked to generate. (The reference's training configs set
 *   the advantage weight β to 0 and the weight of non-action tokens to 0, so its LM loss is the
 *   same cross-entropy on action tokens, but divided by the count of all real tokens.) Pass the
 *   batch's prediction mask for an LM loss on every token.
 *
 * @example
 * const parts = ilqlLoss({ q1, q2, targetQ, v, tokens, isAction, reward, done, nextValueIndex }, { cqlWeight: 0.25 });
 * parts.total; // qWeight·td + valueWeight·value + cqlWeight·cql + lmWeight·lm
 */
import * as tf from '@tensorflow/tfjs-core';
import { logSumExpRows, stopGradient } from '../rl/losses.ts';

export type IlqlLossOptions = {
  /** Discount per token step; successors across a user turn are one step away. */
  gamma: number;
  /** Expectile of the V loss; above 0.5 leans V toward the best actions the data supports. */
  tau: number;
  qWeight: number;
  valueWeight: number;
  cqlWeight: number;
  lmWeight: number;
};

/**
 * Defaults from the reference training configs: γ 0.99 (all three tasks), τ 0.7 (Wordle; 0.8
 * Visual Dialogue, 0.6 toxicity), Q, V and LM weights 1, CQL weight 0.25 (toxicity; 1.0 Visual
 * Dialogue, 1e-4 Wordle). The Polyak rate of the target heads is 0.005.
 */
export const ilqlDefaults: IlqlLossOptions & { polyakRate: number } = {
  gamma: 0.99,
  tau: 0.7,
  qWeight: 1,
  valueWeight: 1,
  cqlWeight: 0.25,
  lmWeight: 1,
  polyakRate: 0.005,
};

/** Σ mask·values / max(Σ mask, 1): a mean over the masked positions, 0 when there are none. */
export function maskedMean(values: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(values, mask)), tf.maximum(tf.sum(mask), 1)));
}

// customGrad functions take a flat list of tensors and a save function.
type GradArgs = (tf.Tensor | tf.GradSaveFunc)[];

const pickFlat = tf.customGrad((...args: GradArgs) => {
  const [values, tokens, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  const [rows, columns] = values.shape;
  save([tokens]);
  const flat = tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(columns, 'int32')), tokens);
  return {
    value: tf.gather(tf.reshape(values, [-1]), flat),
    // dy on the picked entries, 0 elsewhere. tf's own gather gradient is an UnsortedSegmentSum
    // over N·vocab segments, which the cpu backend runs segment by segment (seconds per step).
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const picked = saved[0] as tf.Tensor1D;
      // oneHot then cast: oneHot with a float dtype is wrong on the WASM backend.
      const mask = tf.cast(tf.oneHot(picked, columns), 'float32');
      return [tf.mul(mask, tf.expandDims(dy, 1)), tf.zerosLike(picked).cast('float32')];
    },
  };
});

/**
 * values[i, tokens[i]] for every row: [N]. A gather from the flattened matrix rather than a
 * one-hot product, which would build two more [N, vocab] tensors (oneHot, then its float cast)
 * in the forward pass; the backward pass needs a dense [N, vocab] gradient anyway.
 */
export function pickTaken(values: tf.Tensor2D, tokens: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => pickFlat(values, tf.cast(tokens, 'int32')) as tf.Tensor1D);
}

/** r_t + γ(1 − done_t)·V[next_t], a constant: V is read under a stop-gradient. */
export function tdTargets(v: tf.Tensor1D, reward: tf.Tensor1D, done: tf.Tensor1D, nextValueIndex: tf.Tensor1D, gamma: number): tf.Tensor1D {
  return tf.tidy(() => {
    const next = tf.gather(stopGradient(v), tf.cast(nextValueIndex, 'int32')) as tf.Tensor1D;
    return tf.add(reward, tf.mul(tf.mul(tf.sub(1, done), gamma), next));
  });
}

/** Masked mean of (Q(s_t, a_t) − target_t)² for one head. */
export function tdLoss(qTakenValues: tf.Tensor1D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => maskedMean(tf.square(tf.sub(qTakenValues, targets)) as tf.Tensor1D, mask));
}

/** Masked mean of |τ − 1[u < 0]|·u² with u = target Q − V(s), the target under a stop-gradient. */
export function expectileValueLoss(v: tf.Tensor1D, targetQTaken: tf.Tensor1D, mask: tf.Tensor1D, tau: number): tf.Scalar {
  return tf.tidy(() => {
    const u = tf.sub(stopGradient(targetQTaken), v) as tf.Tensor1D;
    // step(−u) is 1 where u < 0, and has no gradient, as a weight should.
    const weight = tf.add(tau, tf.mul(1 - 2 * tau, tf.step(tf.neg(u))));
    return maskedMean(tf.mul(weight, tf.square(u)) as tf.Tensor1D, mask);
  });
}

/**
 * Masked mean of logsumexp(row) − row[token]: cross-entropy with integer labels. logSumExpRows,
 * not tf.logSumExp, whose gradient takes a slow WASM path (a quarter of a token BC step).
 */
export function crossEntropyLoss(logits: tf.Tensor2D, tokens: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => maskedMean(tf.sub(logSumExpRows(logits), pickTaken(logits, tokens)), mask));
}

/** CQL over the vocabulary for one head: pushes Q down on tokens the data did not take. */
export const cqlLoss = crossEntropyLoss;
/** The behaviour policy's language-model loss. */
export const lmLoss = crossEntropyLoss;

export type IlqlLossInputs = {
  /** Q of each online head over the vocabulary: [N, vocab]. */
  q1: tf.Tensor2D;
  q2: tf.Tensor2D;
  /** min of the target heads, at the taken tokens [N] (cheap: targetQMinTaken) or over the vocabulary [N, vocab]. */
  targetQ: tf.Tensor1D | tf.Tensor2D;
  /** V(s_t): [N]. */
  v: tf.Tensor1D;
  /** The taken token a_t (the token at t + 1): [N] int32. */
  tokens: tf.Tensor1D;
  isAction: tf.Tensor1D;
  reward: tf.Tensor1D;
  done: tf.Tensor1D;
  /** Row of V to bootstrap from, in the same N rows: [N] int32. */
  nextValueIndex: tf.Tensor1D;
  /** The policy's logits and what to score them on; may cover other rows than Q (all tokens). */
  lm?: { logits: tf.Tensor2D; tokens: tf.Tensor1D; mask: tf.Tensor1D };
};

export type IlqlLossParts = { td: tf.Scalar; value: tf.Scalar; cql: tf.Scalar; lm: tf.Scalar; total: tf.Scalar };

/** Every part and the weighted total; the LM part is 0 when `lm` is left out. */
export function ilqlLoss(inputs: IlqlLossInputs, options: Partial<IlqlLossOptions> = {}): IlqlLossParts {
  const o = { ...ilqlDefaults, ...options };
  return tf.tidy(() => {
    const { q1, q2, v, tokens, isAction: mask } = inputs;
    const targetQ = inputs.targetQ.rank === 2 ? pickTaken(inputs.targetQ as tf.Tensor2D, tokens) : (inputs.targetQ as tf.Tensor1D);
    const targets = tdTargets(v, inputs.reward, inputs.done, inputs.nextValueIndex, o.gamma);
    const td = tf.add(tdLoss(pickTaken(q1, tokens), targets, mask), tdLoss(pickTaken(q2, tokens), targets, mask)) as tf.Scalar;
    const value = expectileValueLoss(v, targetQ, mask, o.tau);
    const cql = tf.add(cqlLoss(q1, tokens, mask), cqlLoss(q2, tokens, mask)) as tf.Scalar;
    const lm = inputs.lm === undefined ? tf.scalar(0) : lmLoss(inputs.lm.logits, inputs.lm.tokens, inputs.lm.mask);
    const total = tf.addN([tf.mul(o.qWeight, td), tf.mul(o.valueWeight, value), tf.mul(o.cqlWeight, cql), tf.mul(o.lmWeight, lm)]) as tf.Scalar;
    return { td, value, cql, lm, total };
  });
}
