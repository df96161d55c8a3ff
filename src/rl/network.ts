/**
 * The utterance-level networks, over text embeddings: a state encoder and an action encoder
 * shared by every head (as ILQL shares its transformer), twin Q heads with Polyak target
 * copies, a V head, and a bilinear behaviour model π_β(a|s) ∝ exp(e_s·W·e_a).
 *
 * A Q head computes relu(W_s e_s + W_a e_a + W_p (e_s ⊙ e_a) + b)·w + c + Σ_d u_d x_s[d] x_a[d]: the
 * first layer is split so that scoring many actions for one state repeats only the product
 * term, and the last ("wide") term reads raw hashed features that the state and the action
 * share, i.e. where a reply echoes the user's own words. π_β has a wide term of its own. With a
 * belief head, π_β and Q also read how well each action matches what the state believes of the
 * hidden persona (see belief-heads.ts). With answered words, the wide terms also
 * weigh each word an action says again by how the user answered it (see embed/answered.ts).
 *
 * @example
 * const parameters = initialParameters({ inputDimension: 1024, hidden: 64 }, rng);
 * const q = qValues(parameters, 'q1', encodeStates(parameters, x), encodeActions(parameters, a)); // [B, A]
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.ts';
import { polyakAverage } from '../nn/polyak.ts';
import { glorotUniform, linear } from '../nn/linear.ts';
import { selectRows, sparseLinear, sparseWidePaired, sparseWideProduct } from '../nn/sparse-layers.ts';
import type { SparseRows } from '../nn/sparse-layers.ts';
import { pairPaired, pairProduct } from '../nn/pair-layers.ts';
import { segmentPool } from '../nn/segment-pool.ts';
import type { PairRows } from '../nn/pair-layers.ts';
import { answeredWidth } from '../embed/answered.ts';
import { evidenceWidth } from '../embed/evidence.ts';
import { informationAll, informationPaired } from './answers.ts';
import { fieldMask } from './belief.ts';
import { actionPersona, beliefDistribution, beliefLogits, fieldLayout, fieldWeights, informationWeights, logMatch } from './belief-heads.ts';
import type { ExchangeRows } from './exchange-rows.ts';
import { as1d, as2d, beliefFields, beliefGain, beliefLayout, isFixedParameter, isTargetParameter, parameterNamed } from './parameters.ts';
import type { Parameters } from './parameters.ts';

/**
 * `exchanges`: the state encoder also reads one feature row per exchange (the `dialogue` embedder).
 * `belief`: the number of values of each hidden-persona field the state predicts (see belief.ts);
 * with it, the prior and every Q head also read that prediction.
 * `answered`: the wide terms also read how the user answered the words a candidate says again
 * (see embed/answered.ts); states then carry their answered pairs.
 */
export type NetworkShape = {
  inputDimension: number;
  hidden: number;
  exchanges?: boolean | undefined;
  belief?: readonly number[] | undefined;
  answered?: boolean | undefined;
  /** With a belief head, V also reads how sure the belief is (see values). */
  valueBelief?: boolean | undefined;
  /** The belief head reads answer evidence (see embed/evidence.ts) rather than the state's features. */
  evidence?: boolean | undefined;
  /** With a belief head, an answer model P(yes | a, v), and Q reads what each candidate's answer would tell (see answers.ts). */
  informationGain?: boolean | undefined;
  /** With a belief head, an answer model P(yes | a, v), and the prior reads what each candidate's answer would tell (see answers.ts). */
  priorInformation?: boolean | undefined;
  /**
   * With a belief head, a model of whether the user answers an action at all, P(yes or no | a, v).
   * Nothing in training reads it; agents skip candidates it says will go unanswered (see answers.ts).
   */
  answerChance?: boolean | undefined;
};
export type QHead = 'q1' | 'q2' | 'target-q1' | 'target-q2';

const qHeadShapes = (h: number, d: number): Record<string, number[]> => ({ ws: [h, h], wa: [h, h], wp: [h, h], b: [h], w: [h, 1], c: [1], wide: [d] });

/**
 * Raw hashed features and their encoding, for a batch of states or of actions. With a belief head,
 * both also carry `logits` (what the belief losses train) and `belief`, the per-field softmax of
 * those logits without a gradient (what the prior and Q read): for a state, what it believes of
 * the hidden persona; for an action, the personas it goes with when a dialogue succeeds.
 */
export type Encoded = {
  raw: SparseRows;
  hidden: tf.Tensor2D;
  logits?: tf.Tensor2D;
  belief?: tf.Tensor2D;
  answered?: PairRows;
  answerLogits?: tf.Tensor2D;
  answers?: tf.Tensor2D;
  /** For actions with an answer-chance model: its logits (what its loss trains) and P(yes or no | a, v), [A, values]. */
  chanceLogits?: tf.Tensor2D;
  chances?: tf.Tensor2D;
};

export const parameterShapes = (shape: NetworkShape): Map<string, number[]> => {
  const { inputDimension: d, hidden: h } = shape;
  const shapes = new Map<string, number[]>();
  for (const encoder of ['state', 'action']) {
    shapes.set(`${encoder}.w1`, [d, h]).set(`${encoder}.b1`, [h]).set(`${encoder}.w2`, [h, h]).set(`${encoder}.b2`, [h]);
  }
  for (const head of ['q1', 'q2', 'target-q1', 'target-q2']) {
    for (const [name, shape] of Object.entries(qHeadShapes(h, d))) shapes.set(`${head}.${name}`, shape);
  }
  if (shape.exchanges === true) {
    shapes.set('exchange.w1', [d, h]).set('exchange.b1', [h]).set('state.pool', [h, h]).set('state.last', [h, h]);
  }
  const values = (shape.belief ?? []).reduce((sum, size) => sum + size, 0);
  if (values > 0) {
    if (shape.evidence === true) shapes.set('belief.evidence', [evidenceWidth, values]);
    else shapes.set('belief.bag', [d, values]);
    shapes.set('belief.b', [values]).set(beliefFields, [values, shape.belief?.length ?? 0]);
    if (shape.exchanges === true && shape.evidence !== true) shapes.set('belief.exchange', [d, values]);
    shapes.set('belief.action', [d, values]).set('belief.action-b', [values]);
    for (const head of ['q1', 'q2', 'target-q1', 'target-q2', 'policy']) shapes.set(`${head}.match`, [shape.belief?.length ?? 0]);
    if (shape.valueBelief === true) shapes.set('v.match', [shape.belief?.length ?? 0]);
    if (shape.informationGain === true || shape.priorInformation === true) shapes.set('answer.w', [d, values]).set('answer.b', [values]);
    const informed = [...(shape.informationGain === true ? ['q1', 'q2', 'target-q1', 'target-q2'] : []), ...(shape.priorInformation === true ? ['policy'] : [])];
    for (const head of informed) shapes.set(`${head}.information`, [shape.belief?.length ?? 0]);
    if (shape.answerChance === true) {
      shapes.set('chance.w', [d, values]).set('chance.b', [values]);
    }
  }
  shapes.set('v.w1', [h, h]).set('v.b1', [h]).set('v.w', [h, 1]).set('v.c', [1]);
  shapes.set('policy.w', [h, h]).set('policy.wide', [d]);
  if (shape.answered === true) for (const head of ['q1', 'q2', 'target-q1', 'target-q2', 'policy']) shapes.set(`${head}.answered`, [answeredWidth]);
  return shapes;
};

export const initialParameters = (shape: NetworkShape, rng: Rng): Parameters => {
  const parameters: Parameters = new Map();
  const random = () => rng.next();
  for (const [name, dims] of parameterShapes(shape)) {
    const [rows = 1, cols] = dims;
    // Vectors (biases, wide weights) start at zero, and so do the belief head (a linear model has
    // no symmetry to break) and what Q reads from it, so a network with a belief head starts as
    // the one without.
    const zero = cols === undefined || name.startsWith('belief.') || name.startsWith('answer.') || name.startsWith('chance.');
    const values = name === beliefFields ? fieldLayout(shape.belief ?? []) : zero ? new Float32Array(rows * (cols ?? 1)) : glorotUniform(rows, cols, random);
    const initial = tf.tensor(values, dims);
    parameters.set(name, tf.variable(initial, !isFixedParameter(name)));
    initial.dispose();
  }
  // Targets start equal to the heads they follow.
  for (const [name, variable] of parameters) {
    if (isTargetParameter(name)) variable.assign(parameterNamed(parameters, name.replace('target-', '')));
  }
  return parameters;
};

type Encoder = 'state' | 'action';

/**
 * An encoder's first layer, x·W₁ + b₁: the only product over the 1,024 hashed features. Training
 * computes it once per step outside the gradient tape and hands it to the encoders inside it.
 */
export const firstLayer = (parameters: Parameters, encoder: Encoder, x: SparseRows, known?: tf.Tensor2D): tf.Tensor2D =>
  sparseLinear(x, as2d(parameters, `${encoder}.w1`), as1d(parameters, `${encoder}.b1`), known);

const encode = (parameters: Parameters, encoder: Encoder, x: SparseRows, known?: tf.Tensor2D): tf.Tensor2D =>
  linear(tf.relu(firstLayer(parameters, encoder, x, known)), as2d(parameters, `${encoder}.w2`), as1d(parameters, `${encoder}.b2`));

/**
 * Each exchange row through its own layer, relu(x·E + e), then two summaries per state: the sum
 * over its exchanges (what was asked and answered, in any order) and its latest exchange (what
 * the user just said, to what). Both enter the state's second layer beside the bag.
 */
const exchangeSummary = (parameters: Parameters, exchanges: ExchangeRows): tf.Tensor2D => {
  const each = tf.relu(sparseLinear(exchanges.rows, as2d(parameters, 'exchange.w1'), as1d(parameters, 'exchange.b1')));
  const pooled = segmentPool(each, exchanges.starts, 'sum');
  const latest = segmentPool(each, exchanges.starts, 'last');
  return tf.add(linear(pooled, as2d(parameters, 'state.pool')), linear(latest, as2d(parameters, 'state.last')));
};

/**
 * `known`: this batch's first layer, computed earlier with the current weights (see firstLayer).
 * `exchanges`: required when the network was built with `exchanges`, ignored otherwise.
 * `belief: false` leaves the belief out, for states only V reads when V does not read it.
 * `evidence`: each state's answer evidence, summed over its exchanges (see evidenceSums), for a
 * belief head that reads it.
 */
export const encodeStates = (
  parameters: Parameters,
  raw: SparseRows,
  known?: tf.Tensor2D,
  exchanges?: ExchangeRows,
  { belief = true, answered, evidence }: { belief?: boolean; answered?: PairRows | undefined; evidence?: SparseRows | undefined } = {},
): Encoded => {
  const bag = encode(parameters, 'state', raw, known);
  if (parameters.has('exchange.w1') && exchanges === undefined) throw new Error('this network reads exchange rows: embed states with the dialogue embedder');
  const hidden: tf.Tensor2D = exchanges === undefined || !parameters.has('exchange.w1') ? bag : tf.add(bag, exchangeSummary(parameters, exchanges));
  const pairs = answered === undefined || !parameters.has('policy.answered') ? {} : { answered };
  if (!belief || !parameters.has(beliefFields)) return { raw, hidden, ...pairs };
  const logits = beliefLogits(parameters, raw, exchanges, evidence);
  return { raw, hidden, logits, belief: beliefDistribution(parameters, logits), ...pairs };
};

/** An action's encoding and, with a belief head, the personas it goes with and its answer models (see belief-heads.ts). */
export const encodeActions = (parameters: Parameters, raw: SparseRows, known?: tf.Tensor2D): Encoded => {
  const hidden = encode(parameters, 'action', raw, known);
  return parameters.has('belief.action') ? { raw, hidden, ...actionPersona(parameters, raw) } : { raw, hidden };
};

/**
 * A head's wide term, Σ_d u_d x_s[d] x_a[d], for aligned rows: [B]. With answered pairs, plus
 * Σ over the state's pairs (word, tag) of u'[tag]·x_a[word]: what saying an answered word again is
 * worth. Unlike the belief heads u' is not scaled up: ten times its rate cost travel's ILQL 0.08
 * success (300 validation personas, 20,000 dialogues).
 */
const widePaired = (parameters: Parameters, head: string, states: Encoded, actions: Encoded): tf.Tensor1D => {
  const shared = sparseWidePaired(states.raw, as1d(parameters, `${head}.wide`), actions.raw);
  return states.answered === undefined ? shared : tf.add(shared, pairPaired(states.answered, as1d(parameters, `${head}.answered`), actions.raw));
};

/** The same for every state and action: [B, A]. */
const wideAll = (parameters: Parameters, head: string, states: Encoded, actions: Encoded): tf.Tensor2D => {
  const shared = sparseWideProduct(states.raw, as1d(parameters, `${head}.wide`), actions.raw);
  return states.answered === undefined ? shared : tf.add(shared, pairProduct(states.answered, as1d(parameters, `${head}.answered`), actions.raw));
};

const readout = (parameters: Parameters, head: string, hidden: tf.Tensor2D): tf.Tensor1D =>
  tf.reshape(linear(tf.relu(hidden), as2d(parameters, `${head}.w`), as1d(parameters, `${head}.c`)), [-1]) as tf.Tensor1D;

/** Q(s_i, a_i) for aligned rows of states and actions: [B]. */
export const qPaired = (parameters: Parameters, head: QHead, states: Encoded, actions: Encoded): tf.Tensor1D => {
  const hidden = tf.addN([
    linear(states.hidden, as2d(parameters, `${head}.ws`)),
    linear(actions.hidden, as2d(parameters, `${head}.wa`)),
    linear(tf.mul(states.hidden, actions.hidden), as2d(parameters, `${head}.wp`), as1d(parameters, `${head}.b`)),
  ]) as tf.Tensor2D;
  const q = tf.add(readout(parameters, head, hidden), widePaired(parameters, head, states, actions)) as tf.Tensor1D;
  if (states.belief === undefined || actions.belief === undefined) return q;
  const matched = tf.add(q, tf.sum(tf.mul(tf.mul(states.belief, actions.belief), fieldWeights(parameters, `${head}.match`)), 1)) as tf.Tensor1D;
  if (actions.answers === undefined || !parameters.has(`${head}.information`)) return matched;
  return tf.add(matched, informationPaired(states.belief, actions.answers, beliefLayout(parameters), informationWeights(parameters, head))) as tf.Tensor1D;
};

/** Frees every tensor an encoding holds, whichever heads made them. */
export const disposeEncoded = (encoded: Encoded): void => tf.dispose(Object.values(encoded).filter((part): part is tf.Tensor2D => part instanceof tf.Tensor));

/** Rows `positions` of encoded actions, their persona included. */
export const selectActions = (actions: Encoded, positions: readonly number[]): Encoded => {
  const indices = tf.tensor1d(Int32Array.from(positions), 'int32');
  return {
    raw: selectRows(actions.raw, positions),
    hidden: tf.gather(actions.hidden, indices),
    ...(actions.belief === undefined ? {} : { belief: tf.gather(actions.belief, indices) }),
    ...(actions.answers === undefined ? {} : { answers: tf.gather(actions.answers, indices) }),
    ...(actions.chances === undefined ? {} : { chances: tf.gather(actions.chances, indices) }),
  };
};

/** Q(s_i, a_j) for every state and every action: [B, A]. */
export const qValues = (parameters: Parameters, head: QHead, states: Encoded, actions: Encoded): tf.Tensor2D => {
  const [b, h] = states.hidden.shape;
  const a = actions.hidden.shape[0];
  const fromState = tf.reshape(linear(states.hidden, as2d(parameters, `${head}.ws`)), [b, 1, h]);
  const fromAction = tf.reshape(linear(actions.hidden, as2d(parameters, `${head}.wa`)), [1, a, h]);
  const products = tf.reshape(tf.mul(tf.reshape(states.hidden, [b, 1, h]), tf.reshape(actions.hidden, [1, a, h])), [b * a, h]) as tf.Tensor2D;
  const fromProduct = tf.reshape(linear(products, as2d(parameters, `${head}.wp`), as1d(parameters, `${head}.b`)), [b, a, h]);
  const hidden = tf.reshape(tf.add(tf.add(fromState, fromAction), fromProduct), [b * a, h]) as tf.Tensor2D;
  const q = tf.add(tf.reshape(readout(parameters, head, hidden), [b, a]), wideAll(parameters, head, states, actions)) as tf.Tensor2D;
  if (states.belief === undefined || actions.belief === undefined) return q;
  return withInformation(parameters, head, tf.add(q, linear(tf.mul(states.belief, fieldWeights(parameters, `${head}.match`)) as tf.Tensor2D, tf.transpose(actions.belief) as tf.Tensor2D)) as tf.Tensor2D, states, actions);
};

/** Scores [B, A] of a head plus, where it reads the answer model, Σ_f w_f·I_f(s, a) (see answers.ts). */
const withInformation = (parameters: Parameters, head: string, scores: tf.Tensor2D, states: Encoded, actions: Encoded): tf.Tensor2D =>
  states.belief === undefined || actions.answers === undefined || !parameters.has(`${head}.information`)
    ? scores
    : (tf.add(scores, informationAll(states.belief, actions.answers, beliefLayout(parameters), informationWeights(parameters, head))) as tf.Tensor2D);

/** Whether V reads the belief, so that states given to it must carry one. */
export const valueReadsBelief = (parameters: Parameters): boolean => parameters.has('v.match');

/**
 * V(s): [B]. With `v.match`, plus Σ_f w_f·max_{v∈f} b(v | s): how sure the belief is of each field,
 * the chance that naming its best item is right. In a guessing task that is most of what a state
 * is worth, and the hidden layer, which the belief does not feed, sees it only roughly; ILQL's Q
 * learns from r + γV(s′), so a V that misses it blurs every Q target on the way to a guess.
 */
export const values = (parameters: Parameters, states: Encoded): tf.Tensor1D => {
  const v = readout(parameters, 'v', linear(states.hidden, as2d(parameters, 'v.w1'), as1d(parameters, 'v.b1')));
  if (!valueReadsBelief(parameters)) return v;
  if (states.belief === undefined) throw new Error('this V reads the belief: encode its states with the belief');
  const layout = beliefLayout(parameters);
  const belief = states.belief;
  const sure = tf.stack(Array.from({ length: layout.shape[1] }, (_, f) => tf.max(tf.mul(belief, fieldMask(layout, f)), 1)), 1) as tf.Tensor2D;
  return tf.add(v, tf.reshape(linear(sure, tf.reshape(tf.mul(parameterNamed(parameters, 'v.match'), beliefGain), [-1, 1]) as tf.Tensor2D), [-1])) as tf.Tensor1D;
};

/** Behaviour-model logits: [B, A]. */
export const policyLogits = (parameters: Parameters, states: Encoded, actions: Encoded): tf.Tensor2D => {
  const logits = tf.add(linear(linear(states.hidden, as2d(parameters, 'policy.w')), tf.transpose(actions.hidden)), wideAll(parameters, 'policy', states, actions)) as tf.Tensor2D;
  if (states.belief === undefined || actions.belief === undefined) return logits;
  return withInformation(parameters, 'policy', tf.add(logits, logMatch(parameters, states.belief, actions.belief)) as tf.Tensor2D, states, actions);
};

/** target ← (1 − ρ)·target + ρ·online, for every target head. */
export const polyakUpdate = (parameters: Parameters, rate: number): void =>
  polyakAverage(
    [...parameters].filter(([name]) => isTargetParameter(name)).map(([name, target]) => ({ target, online: parameterNamed(parameters, name.replace('target-', '')) })),
    rate,
  );
