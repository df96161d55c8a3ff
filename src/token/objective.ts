/**
 * The training objective of one batch, to be called inside `tf.variableGrads`. The transformer
 * reads every token of the batch; its hidden states are gathered at the action positions (the
 * states from which the agent says its next token), where:
 * - BC: the LM's cross-entropy with the agent's next token, and nothing else;
 * - ILQL: the same LM loss plus TD, expectile V and CQL on the Q/V heads (ilqlLoss), the heads
 *   reading the hidden states under a stop-gradient when `detachHeads` (see train-options.ts).
 *
 * @example
 * const inputs = objectiveInputs(batch);
 * const { value, grads } = tf.variableGrads(() => tokenObjective(model, inputs, options).total, variables);
 * disposeObjectiveInputs(inputs);
 */
import * as tf from '@tensorflow/tfjs-core';
import { forward, lmLogits } from '../lm/gpt2.ts';
import { stopGradient } from '../rl/losses.ts';
import { actionRows } from './batch.ts';
import type { TransitionBatch } from './batch.ts';
import { qValues, stateValues, targetQMinTaken } from './heads.ts';
import { ilqlLoss, lmLoss } from './losses.ts';
import type { TokenModel } from './model.ts';
import type { TokenTrainOptions } from './train-options.ts';

/** The batch's constant tensors, made once per step outside the gradient tape. */
export type ObjectiveInputs = {
  batch: TransitionBatch;
  attentionMask: Int32Array;
  positions: tf.Tensor1D;
  tokens: tf.Tensor1D;
  reward: tf.Tensor1D;
  done: tf.Tensor1D;
  nextValueIndex: tf.Tensor1D;
  ones: tf.Tensor1D;
  /** Action positions of the batch: each one a prediction the LM loss scores. */
  actions: number;
};

export function objectiveInputs(batch: TransitionBatch): ObjectiveInputs {
  const rows = actionRows(batch);
  return {
    batch,
    attentionMask: Int32Array.from(batch.attentionMask),
    positions: tf.tensor1d(rows.positions, 'int32'),
    tokens: tf.tensor1d(rows.tokens, 'int32'),
    reward: tf.tensor1d(rows.reward),
    done: tf.tensor1d(rows.done),
    nextValueIndex: tf.tensor1d(rows.nextValueIndex, 'int32'),
    ones: tf.ones([rows.positions.length]),
    actions: rows.positions.length,
  };
}

export function disposeObjectiveInputs(inputs: ObjectiveInputs): void {
  tf.dispose([inputs.positions, inputs.tokens, inputs.reward, inputs.done, inputs.nextValueIndex, inputs.ones]);
}

export type ObjectiveParts = { total: tf.Scalar; lm: tf.Scalar; td?: tf.Scalar; value?: tf.Scalar; cql?: tf.Scalar };

export function tokenObjective(model: TokenModel, inputs: ObjectiveInputs, options: TokenTrainOptions): ObjectiveParts {
  const { batch } = inputs;
  const { hidden } = forward(model.params, model.config, batch.tokens, { batch: batch.batchSize, attentionMask: inputs.attentionMask });
  const atActions = tf.gather(tf.reshape(hidden, [-1, model.config.n_embd]), inputs.positions) as tf.Tensor2D;
  const logits = lmLogits(model.params, atActions);
  if (model.heads === undefined || options.algorithm === 'token-bc') {
    const lm = lmLoss(logits, inputs.tokens, inputs.ones);
    return { total: lm, lm };
  }
  const heads = model.heads;
  const h = options.ilql.detachHeads ? stopGradient(atActions) : atActions;
  const parts = ilqlLoss(
    {
      q1: qValues(heads, 'q1', h),
      q2: qValues(heads, 'q2', h),
      // The targets only ever give regression targets: no gradient reaches the transformer through them.
      targetQ: targetQMinTaken(heads, stopGradient(atActions), inputs.tokens),
      v: stateValues(heads, h),
      tokens: inputs.tokens,
      isAction: inputs.ones,
      reward: inputs.reward,
      done: inputs.done,
      nextValueIndex: inputs.nextValueIndex,
      lm: { logits, tokens: inputs.tokens, mask: inputs.ones },
    },
    options.ilql,
  );
  return parts;
}
