/**
 * The losses of one training step (see train.ts): what is constant during the step, computed off
 * the gradient tape, and each loss of a batch: ILQL's TD, expectile and prior losses (or MC's
 * regressions on the return), the conservative term, the belief and answer losses.
 *
 * @example
 * const constants = stepConstants(parameters, batch, options);
 * const losses = batchLosses(parameters, batch, constants, options, priorBatch, belief); // { td, value, policy, belief, … }
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from './batch.ts';
import { linear } from '../nn/linear.ts';
import { conservativeLoss, crossEntropy, expectileLoss, mixReturns, squaredError, tdTarget } from './losses.ts';
import { encodeActions, encodeStates, firstLayer, policyLogits, qPaired, qValues, valueReadsBelief, values } from './network.ts';
import type { Encoded } from './network.ts';
import type { Parameters } from './parameters.ts';
import { beliefLoss } from './belief.ts';
import type { BeliefTargets } from './belief.ts';
import { answerLoss } from './answers.ts';
import type { TrainOptions } from './train-options.ts';

/**
 * What a step needs that is constant during it, computed outside the gradient tape: the TD or
 * return targets, and the first layers of the batch's states and candidates, which the encoders
 * inside the tape then reuse rather than recompute. ILQL's V target, the target heads' Q, is read
 * inside the tape from the encodings made there (see targetQ).
 */
export const stepConstants = (parameters: Parameters, batch: Batch, options: TrainOptions) =>
  tf.tidy(() => {
    const stateLayer = firstLayer(parameters, 'state', batch.states);
    const candidateLayer = firstLayer(parameters, 'action', batch.candidates);
    const inputs = batch.values;
    if (inputs === undefined) return { stateLayer, candidateLayer, targets: undefined };
    // MC regresses both Q and V on the return, so it needs no network pass here; ILQL's V follows
    // the target Q (read in the tape) and Q follows r + γV(s′).
    if (options.algorithm === 'mc') return { stateLayer, candidateLayer, targets: { value: tf.clone(inputs.returns), td: tf.clone(inputs.returns) } };
    const targets: { value?: tf.Tensor1D; td: tf.Tensor1D } = {
      td: mixReturns(tdTarget(inputs.reward, inputs.done, values(parameters, encodeStates(parameters, inputs.next, undefined, inputs.nextExchanges, { belief: valueReadsBelief(parameters), evidence: inputs.nextEvidence })), options.gamma), inputs.returns, options.returnMix),
    };
    return { stateLayer, candidateLayer, targets };
  });

export type StepConstants = ReturnType<typeof stepConstants>;

/**
 * min over the target heads of Q(s, a) for the batch's states and taken actions, as a constant:
 * read from the encodings the losses already made (the same numbers as encoding the batch again
 * outside the tape, which took a twentieth of a step), with the heads run inside a custom op's forward
 * so that they stay off the tape and every input gets a zero gradient.
 */
const targetQ = (parameters: Parameters, states: Encoded, actions: Encoded): tf.Tensor1D => {
  const parts = ['hidden', 'belief', 'answers'] as const;
  const stateParts = parts.filter((part) => states[part] !== undefined);
  const actionParts = parts.filter((part) => actions[part] !== undefined);
  const inputs = [...stateParts.map((part) => states[part] as tf.Tensor2D), ...actionParts.map((part) => actions[part] as tf.Tensor2D)];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const given = args.slice(0, inputs.length) as tf.Tensor2D[];
    const s: Encoded = { ...states };
    const a: Encoded = { ...actions };
    stateParts.forEach((part, i) => (s[part] = given[i] as tf.Tensor2D));
    actionParts.forEach((part, i) => (a[part] = given[stateParts.length + i] as tf.Tensor2D));
    return {
      value: tf.minimum(qPaired(parameters, 'target-q1', s, a), qPaired(parameters, 'target-q2', s, a)),
      gradFunc: () => given.map((x) => tf.zerosLike(x)),
    };
  });
  return op(...inputs) as tf.Tensor1D;
};

/** Each row's taken action, picked out of the batch's encoded candidates. */
const takenActions = (batch: Batch, candidates: Encoded): Encoded => ({
  raw: (batch.values as NonNullable<Batch['values']>).takenRaw,
  hidden: linear(batch.taken, candidates.hidden),
  ...(candidates.belief === undefined ? {} : { belief: linear(batch.taken, candidates.belief) }),
  ...(candidates.answers === undefined ? {} : { answers: linear(batch.taken, candidates.answers) }),
});

/**
 * The prior's cross-entropy: on its own batch of successful rows when there is one (a prior
 * learned from successes), else on the batch's rows.
 */
const priorLoss = (parameters: Parameters, batch: Batch, states: Encoded, candidates: Encoded, priorBatch: Batch | undefined): tf.Scalar =>
  priorBatch === undefined
    ? crossEntropy(policyLogits(parameters, states, candidates), batch.labels)
    : crossEntropy(policyLogits(parameters, encodeStates(parameters, priorBatch.states, undefined, priorBatch.exchanges, { answered: priorBatch.answered, evidence: priorBatch.evidence }), encodeActions(parameters, priorBatch.candidates)), priorBatch.labels);

/**
 * The persona targets of every transition, which transitions belong to successful dialogues,
 * whether each one's utterance was answered yes or no, and whether it was answered at all (see answers.ts).
 */
export type BeliefInputs = { targets: BeliefTargets; successful: Uint8Array; answers: Int8Array; replied: Int8Array };

/** The losses of one batch; without value inputs, just the behaviour model's cross-entropy (and the belief losses). */
export const batchLosses = (parameters: Parameters, batch: Batch, constants: StepConstants, options: TrainOptions, priorBatch?: Batch, belief?: BeliefInputs): Record<string, tf.Scalar> => {
  const states = encodeStates(parameters, batch.states, constants.stateLayer, batch.exchanges, { answered: batch.answered, evidence: batch.evidence });
  const candidates = encodeActions(parameters, batch.candidates, constants.candidateLayer);
  const targets = constants.targets;
  const policy = priorLoss(parameters, batch, states, candidates, priorBatch);
  const auxiliary: Record<string, tf.Scalar> =
    belief === undefined
      ? {}
      : {
          belief: beliefLoss(states.logits as tf.Tensor2D, batch.rows, belief.targets),
          'action-belief': beliefLoss(tf.gather(candidates.logits as tf.Tensor2D, tf.tensor1d(batch.labels, 'int32')), batch.rows, belief.targets, belief.successful),
          ...(candidates.answerLogits === undefined ? {} : { answer: answerLoss(tf.gather(candidates.answerLogits, tf.tensor1d(batch.labels, 'int32')), batch.rows, belief.targets, belief.answers) }),
          ...(candidates.chanceLogits === undefined ? {} : { chance: answerLoss(tf.gather(candidates.chanceLogits, tf.tensor1d(batch.labels, 'int32')), batch.rows, belief.targets, belief.replied) }),
        };
  const inputs = batch.values;
  if (inputs === undefined || targets === undefined) return { policy, ...auxiliary };
  const actions = takenActions(batch, candidates);
  const vTarget = targets.value ?? targetQ(parameters, states, actions);
  const negatives = inputs.negatives === undefined ? undefined : encodeActions(parameters, inputs.negatives);
  const value = options.algorithm === 'mc' ? squaredError(values(parameters, states), vTarget) : expectileLoss(tf.sub(vTarget, values(parameters, states)), options.expectile);
  let td = tf.scalar(0);
  let cql = tf.scalar(0);
  for (const head of ['q1', 'q2'] as const) {
    const q = qPaired(parameters, head, states, actions);
    td = tf.add(td, squaredError(q, targets.td));
    if (negatives === undefined) continue;
    const alternatives = tf.concat([tf.reshape(q, [-1, 1]), qValues(parameters, head, states, negatives)], 1) as tf.Tensor2D;
    cql = tf.add(cql, conservativeLoss(q, alternatives));
  }
  return { td, value, ...(negatives === undefined ? {} : { cql }), policy, ...auxiliary } as Record<string, tf.Scalar>;
};

