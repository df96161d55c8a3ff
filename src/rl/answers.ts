/**
 * What a question would tell. A guessing task is won by asking questions that split the items
 * still possible, and Q cannot see that from the belief alone: a question asked of everyone goes
 * with every item (P(v|a) is the marginal), so the belief match rates "Is it in Europe?" the same
 * whether Europe holds half the countries left or none. An answer model, P(yes | a, v), learned
 * from every reply in the data together with the dialogue's hidden persona, lets Q read the
 * mutual information between the answer to a candidate and each persona field under the state's
 * belief: I_f(s, a) = H(Σ_v b(v|s)·p(a, v)) − Σ_v b(v|s)·H(p(a, v)), H the binary entropy. An
 * even split of the items left scores ln 2; a question whose answer is already known, or one
 * users answer at random, scores 0.
 *
 * Whether a question is answered at all is a second model of the same form, P(yes or no | a, v)
 * (the answer chance): a user who said "I'm not sure" about a country's area says it again to
 * every other question about area, however it is worded, and the turn is lost. Read through the
 * belief's field of what the user is unsure of, Σ_v b(v|s)·P(answer | a, v) is the chance that a
 * candidate gets an answer; agents rank the candidates below an even chance after the others
 * (see agent/value-agent.ts). Nothing in training reads it: read by the prior or Q, its weights
 * stayed near zero and the agents asked again as often. The loss is `answerLoss` on the `replied`
 * labels (see batch.ts).
 *
 * @example
 * replyAnswer('No, not in Europe.') // → 0
 * informationAll(belief, answers, layout, weights) // → [states, actions]
 */
import * as tf from '@tensorflow/tfjs-core';
import { fieldMask } from './belief.ts';
import type { BeliefTargets } from './belief.ts';

const affirmations = new Set(['yes', 'yeah', 'yep', 'correct', 'right', 'exactly']);
const denials = new Set(['no', 'nope', 'nah', 'not', 'wrong', 'incorrect']);

/**
 * 1 for a reply that opens with a yes, 0 for one that opens with a no, undefined for anything
 * else ("I'm not sure", "Please ask a yes-or-no question"): those teach the answer model nothing
 * about the item, only about the user.
 */
export const replyAnswer = (reply: string): 1 | 0 | undefined => {
  const first = /^[^a-z]*([a-z]+)/i.exec(reply)?.[1]?.toLowerCase();
  if (first === undefined) return undefined;
  if (affirmations.has(first)) return 1;
  return denials.has(first) ? 0 : undefined;
};

/** Stands for "no yes-or-no reply" in a transition's answer label. */
export const noAnswer = -1;

/**
 * The binary cross-entropy of the answer model on a batch's taken actions: for each row with a
 * label, and each persona field the row's dialogue has a value of, σ(logit(a, v)) against the
 * label, v the dialogue's own value. `logits` [rows, values]; `labels[row]` is 1, 0 or `noAnswer`:
 * the yes or no of the reply for the answer model, whether there was one for the answer-chance
 * model (`replied`). Rows without a label weigh 0, so a batch without one still connects the head.
 */
export const answerLoss = (logits: tf.Tensor2D, rows: readonly number[], targets: BeliefTargets, labels: Int8Array): tf.Scalar =>
  tf.tidy(() => {
    const width = logits.shape[1];
    const at: number[] = [];
    const targetsOf: number[] = [];
    const weights: number[] = [];
    let offset = 0;
    for (const [f, field] of targets.fields.entries()) {
      const values = targets.labels[f] as Int32Array;
      rows.forEach((row, i) => {
        const value = values[row] ?? -1;
        const label = labels[row] ?? noAnswer;
        at.push(i * width + offset + Math.max(0, value));
        targetsOf.push(label === 1 ? 1 : 0);
        weights.push(value >= 0 && label !== noAnswer ? 1 : 0);
      });
      offset += field.values.length;
    }
    const z = tf.gather(tf.reshape(logits, [-1]), tf.tensor1d(Int32Array.from(at), 'int32'));
    const y = tf.tensor1d(Float32Array.from(targetsOf));
    const w = tf.tensor1d(Float32Array.from(weights));
    // max(z, 0) − z·y + log(1 + e^−|z|): the cross-entropy of σ(z) against y, stable for large |z|.
    const each = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    return tf.div(tf.sum(tf.mul(each, w)), Math.max(1, weights.reduce((sum, weight) => sum + weight, 0))) as tf.Scalar;
  });

/** H(p) = −p ln p − (1 − p) ln(1 − p), elementwise, with p kept off 0 and 1. */
export const binaryEntropy = (p: tf.Tensor): tf.Tensor => {
  const q = tf.clipByValue(p, 1e-6, 1 - 1e-6);
  return tf.neg(tf.add(tf.mul(q, tf.log(q)), tf.mul(tf.sub(1, q), tf.log(tf.sub(1, q)))));
};

/**
 * Σ_f w_f·I_f(s_i, a_j) for every state and action, [B, A]. `belief` [B, values] (a softmax per
 * field), `answers` [A, values] holds P(yes | a, v), `layout` [values, fields] says which field
 * each value belongs to, `weights` [fields].
 */
export const informationAll = (belief: tf.Tensor2D, answers: tf.Tensor2D, layout: tf.Tensor2D, weights: tf.Tensor1D): tf.Tensor2D => {
  const uncertainty = tf.transpose(binaryEntropy(answers)) as tf.Tensor2D;
  const yes = tf.transpose(answers) as tf.Tensor2D;
  const terms = Array.from({ length: layout.shape[1] }, (_, f) => {
    const field = tf.mul(belief, fieldMask(layout, f)) as tf.Tensor2D;
    const information = tf.sub(binaryEntropy(tf.matMul(field, yes)), tf.matMul(field, uncertainty));
    return tf.mul(information, tf.slice(weights, [f], [1]));
  });
  return tf.addN(terms) as tf.Tensor2D;
};

/** The same for aligned rows of states and actions, [B]. */
export const informationPaired = (belief: tf.Tensor2D, answers: tf.Tensor2D, layout: tf.Tensor2D, weights: tf.Tensor1D): tf.Tensor1D => {
  const yes = tf.matMul(tf.mul(belief, answers), layout);
  const uncertainty = tf.matMul(tf.mul(belief, binaryEntropy(answers)), layout);
  return tf.sum(tf.mul(tf.sub(binaryEntropy(yes), uncertainty), weights), 1) as tf.Tensor1D;
};
