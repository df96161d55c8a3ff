/**
 * The heads that read the hidden persona: the state's belief over each persona field, what each
 * action goes with, the answer models of actions (answers.ts), and how Q and the prior weigh them
 * per field. network.ts builds the encodings and heads on top of these.
 *
 * @example
 * const logits = beliefLogits(parameters, raw, exchanges, evidence); // [B, values]
 * const belief = beliefDistribution(parameters, logits);             // a softmax per field
 */
import * as tf from '@tensorflow/tfjs-core';
import { linear } from '../nn/linear.ts';
import { sparseLinear } from '../nn/sparse-layers.ts';
import type { SparseRows } from '../nn/sparse-layers.ts';
import { fieldMask } from './belief.ts';
import type { ExchangeRows } from './exchange-rows.ts';
import { withoutGradient } from './losses.ts';
import { as1d, as2d, beliefGain, beliefLayout, parameterNamed } from './parameters.ts';
import type { Parameters } from './parameters.ts';

/** The one-hot layout of `sizes` fields, [values, fields] (see beliefFields). */
export const fieldLayout = (sizes: readonly number[]): Float32Array => {
  const layout = new Float32Array(sizes.reduce((sum, size) => sum + size, 0) * sizes.length);
  let row = 0;
  sizes.forEach((size, field) => {
    for (let i = 0; i < size; i += 1, row += 1) layout[row * sizes.length + field] = 1;
  });
  return layout;
};

/**
 * The belief head's logits over every value of every persona field, [B, values]: a linear model,
 * so every answer adds its own evidence for each value (as in naive Bayes: "Yes, Europe" raises
 * every European country, "No, not landlocked" lowers every landlocked one). It reads the answer
 * evidence of the state's exchanges (embed/evidence.ts) or, in networks trained before it, the
 * state's raw features plus the sum of its exchange rows'. A linear head over the shared hidden
 * layer measured worse: it had to squeeze 194 countries through 64 numbers, and its loss pulled
 * the encoder the prior and Q share.
 */
export const beliefLogits = (parameters: Parameters, raw: SparseRows, exchanges: ExchangeRows | undefined, evidence: SparseRows | undefined): tf.Tensor2D => {
  if (parameters.has('belief.evidence')) {
    if (evidence === undefined) throw new Error("this network's belief reads answer evidence: pass each state's evidence (see embed/evidence.ts)");
    return tf.mul(sparseLinear(evidence, as2d(parameters, 'belief.evidence'), as1d(parameters, 'belief.b')), beliefGain) as tf.Tensor2D;
  }
  const bag = sparseLinear(raw, as2d(parameters, 'belief.bag'), as1d(parameters, 'belief.b'));
  if (exchanges === undefined || !parameters.has('belief.exchange')) return tf.mul(bag, beliefGain) as tf.Tensor2D;
  // Σ_rows (x_row·E) = (Σ_rows x_row)·E: one product per state rather than one per exchange.
  const weights = as2d(parameters, 'belief.exchange');
  return tf.mul(tf.add(bag, sparseLinear(exchanges.sums, weights, tf.zeros([weights.shape[1]]) as tf.Tensor1D)), beliefGain) as tf.Tensor2D;
};

/**
 * A softmax within each field: the state's belief about the hidden persona, [B, values]. Only the
 * belief losses train the belief (through its logits); what reads it, the prior and Q, gets no
 * gradient into it.
 */
export const beliefDistribution = (parameters: Parameters, logits: tf.Tensor2D): tf.Tensor2D =>
  withoutGradient((x) => {
    const layout = beliefLayout(parameters);
    const exp = tf.exp(tf.sub(x, tf.max(x, 1, true))) as tf.Tensor2D;
    const perField = linear(linear(exp, layout), tf.transpose(layout) as tf.Tensor2D);
    return tf.div(exp, tf.add(perField, 1e-30)) as tf.Tensor2D;
  })(logits);

/** What an action carries with a belief head: the personas it goes with and, with answer models, P(yes | a, v) and P(yes or no | a, v). */
export type ActionPersona = { logits: tf.Tensor2D; belief: tf.Tensor2D; answerLogits?: tf.Tensor2D; answers?: tf.Tensor2D; chanceLogits?: tf.Tensor2D; chances?: tf.Tensor2D };

/**
 * With a belief head, an action also carries which personas it goes with, P(v|a) per field: a
 * linear head over its features, trained on the actions of successful dialogues (see belief.ts).
 * A guess that names France learns France; a question asked of everyone learns the marginal.
 */
export const actionPersona = (parameters: Parameters, raw: SparseRows): ActionPersona => {
  const logits = tf.mul(sparseLinear(raw, as2d(parameters, 'belief.action'), as1d(parameters, 'belief.action-b')), beliefGain) as tf.Tensor2D;
  const persona: ActionPersona = { logits, belief: beliefDistribution(parameters, logits) };
  // Both answer models are scaled as the belief heads are, for the same reason: each item's weights meet few batches.
  if (parameters.has('answer.w')) {
    persona.answerLogits = tf.mul(sparseLinear(raw, as2d(parameters, 'answer.w'), as1d(parameters, 'answer.b')), beliefGain) as tf.Tensor2D;
    persona.answers = withoutGradient((x) => tf.sigmoid(x))(persona.answerLogits) as tf.Tensor2D;
  }
  if (parameters.has('chance.w')) {
    persona.chanceLogits = tf.mul(sparseLinear(raw, as2d(parameters, 'chance.w'), as1d(parameters, 'chance.b')), beliefGain) as tf.Tensor2D;
    persona.chances = withoutGradient((x) => tf.sigmoid(x))(persona.chanceLogits) as tf.Tensor2D;
  }
  return persona;
};

/** A Q head's weight on each field's information, scaled as the match weights are. */
export const informationWeights = (parameters: Parameters, head: string): tf.Tensor1D => tf.mul(parameterNamed(parameters, `${head}.information`), beliefGain) as tf.Tensor1D;

/**
 * A head's weight per persona field, spread over that field's values ([values]) and scaled by the
 * belief gain: Q adds Σ_f w_f·m_f(s, a), where m_f = Σ_{v∈f} belief(v|s)·P(v|a) is the chance that
 * the persona is one the action goes with. For a guess of one item that is the belief in that
 * item, so one weight per field turns the belief into the guess's expected reward; the [features
 * × values] map per head that this replaces had to learn each item's name from the few batches
 * that guess it, and did not (countries: 51% of guesses fit the answers, against 92% for the
 * belief's own top item).
 */
export const fieldWeights = (parameters: Parameters, name: string): tf.Tensor1D =>
  tf.reshape(linear(beliefLayout(parameters), tf.reshape(tf.mul(parameterNamed(parameters, name), beliefGain), [-1, 1]) as tf.Tensor2D), [-1]) as tf.Tensor1D;

/**
 * The prior's reading of the match for every state and action, [B, A]: Σ_f w_f·log(m_f + ε).
 * A log-linear prior that names each fitting item about equally often is π(name v|s) ∝ belief(v),
 * log belief(v) with weight 1; read linearly, a belief spread over 20 items (0.05 each) would need
 * a weight near 100 to matter.
 */
export const logMatch = (parameters: Parameters, stateBelief: tf.Tensor2D, actionBelief: tf.Tensor2D): tf.Tensor2D => {
  const layout = beliefLayout(parameters);
  const weights = tf.mul(parameterNamed(parameters, 'policy.match'), beliefGain) as tf.Tensor1D;
  const fields = layout.shape[1];
  const terms = Array.from({ length: fields }, (_, f) => {
    const mask = fieldMask(layout, f);
    const match = linear(tf.mul(stateBelief, mask) as tf.Tensor2D, tf.transpose(actionBelief) as tf.Tensor2D);
    return tf.mul(tf.log(tf.add(match, 1e-4)), tf.slice(weights, [f], [1]));
  });
  return tf.addN(terms) as tf.Tensor2D;
};
