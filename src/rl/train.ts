/**
 * Offline training on imagined dialogues. `ilql` learns twin Q, V and the behaviour model
 * together (ILQL's four losses); `mc` learns the same networks with Q and V regressed on each
 * transition's Monte-Carlo return-to-go instead (LMRL-Gym's "MC returns" baseline: no
 * bootstrapping, so no target to chase, but the value of the behaviour that was in the data, not
 * of the best one); `bc` trains the behaviour model alone on every dialogue and `fbc` the same on
 * successful dialogues only — one code path, four algorithms.
 *
 * @example
 * const model = await train(dialogues, createHashedEmbedder({ dimension: 1024 }), { ...defaultTrainOptions, algorithm: 'ilql' });
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { ReverieError } from '../errors.ts';
import type { Dialogue } from '../data/dialogue.ts';
import type { Embedder } from '../embed/hashed.ts';
import { createProgress } from '../util/progress.ts';
import { createRng } from '../util/rng.ts';
import { initBackend } from '../nn/backend.ts';
import { createAdam } from '../nn/adam.ts';
import { createAnsweredIndex } from '../embed/answered.ts';
import { createEvidenceIndex } from '../embed/evidence.ts';
import { disposeBatch, prepareTransitions, sampleBatch } from './batch.ts';
import { initialParameters, polyakUpdate } from './network.ts';
import { isFixedParameter } from './parameters.ts';
import type { Parameters } from './parameters.ts';
import { beliefTargets } from './belief.ts';
import type { BeliefTargets } from './belief.ts';
import { batchLosses, stepConstants } from './step-losses.ts';
import { checkOptions, isValueAlgorithm } from './train-options.ts';
import type { Algorithm, TrainOptions } from './train-options.ts';

export { EmptyTrainingSetError } from './batch.ts';
export { defaultTrainOptions, isValueAlgorithm, TrainOptionsError, valueAlgorithms } from './train-options.ts';
export type { Algorithm, TrainOptions } from './train-options.ts';

export type TrainedModel = {
  algorithm: Algorithm;
  options: TrainOptions;
  parameters: Parameters;
  /** Every distinct agent utterance of the training data: the candidates an agent can say. */
  library: string[];
  /** The persona fields the belief head predicts and Q reads, each with its values in head order. */
  belief?: BeliefTargets['fields'];
  history: { step: number; losses: Record<string, number> }[];
  stats: { dialogues: number; transitions: number; seconds: number; stepsPerSecond: number };
};

/** Where training reports: a progress line on a stream, and/or a callback every step. */
export type TrainHooks = {
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /**
   * Called after every step, and awaited; `losses` is filled every 50 steps and on the last one.
   * `model` is the network as it stands, to act with between steps (a learning curve).
   */
  onStep?: (step: number, losses: Record<string, number> | undefined, model: { parameters: Parameters; library: readonly string[] }) => void | Promise<void>;
};

const successMask = (rows: number, successRows: Int32Array): Uint8Array => {
  const mask = new Uint8Array(rows);
  for (const row of successRows) mask[row] = 1;
  return mask;
};

export const train = async (dialogues: readonly Dialogue[], embedder: Embedder, given: TrainOptions, hooks: TrainHooks = {}): Promise<TrainedModel> => {
  // Answered words meet a candidate's hashed n-grams; an embeddings encoder's features are a model's vector, so it goes without.
  const options = { ...given, answered: given.answered && embedder.config.kind !== 'embeddings' };
  checkOptions(options);
  await initBackend();
  const started = performance.now();
  const data = prepareTransitions(dialogues, embedder, options.algorithm === 'fbc' ? 'successes' : 'all', options.gamma, {
    answered: options.answered ? createAnsweredIndex(embedder.dimension) : undefined,
    evidence: options.beliefWeight > 0 && options.beliefEvidence ? createEvidenceIndex() : undefined,
    evidenceOfNext: options.valueBelief,
  });
  const rng = createRng(options.seed).fork(`train-${options.algorithm}`);
  const targets = options.beliefWeight > 0 ? beliefTargets(data.personas) : undefined;
  const belief = targets === undefined || targets.fields.length === 0 ? undefined : { targets, successful: successMask(data.actions.length, data.successRows), answers: data.answers, replied: data.replied };
  const policyOnly = !isValueAlgorithm(options.algorithm);
  const shape = {
    inputDimension: embedder.dimension,
    hidden: options.hidden,
    exchanges: embedder.embedExchanges !== undefined,
    belief: belief?.targets.fields.map((field) => field.values.length),
    answered: options.answered,
    valueBelief: options.valueBelief,
    evidence: data.evidenceWidth !== undefined,
    // Behaviour models have no Q: they read the answer model only through the prior.
    informationGain: options.informationGain && !policyOnly,
    priorInformation: options.priorInformation,
    answerChance: options.answerChance,
  };
  const parameters = initialParameters(shape, rng.fork('init'));
  const trainable = [...parameters].filter(([name]) => !isFixedParameter(name)).map(([, variable]) => variable);
  const optimizer = createAdam(trainable.map((variable) => ({ name: variable.name, variable })), { learningRate: options.learningRate });
  // A prior learned from successes draws its own batch of successful rows each step, as filtered
  // BC does: weighting the shared batch instead leaves it a fifth of the rows where successes are
  // rare, and it falls behind filtered BC as the data grows.
  const priorFromSuccesses = !policyOnly && options.prior === 'successes' && data.successRows.length > 0;
  const history: TrainedModel['history'] = [];
  const progress = hooks.progress === undefined ? undefined : createProgress({ label: `train ${options.algorithm}`, total: options.steps, stream: hooks.progress });
  const batchRng = rng.fork('batches');
  for (let step = 1; step <= options.steps; step += 1) {
    const batch = sampleBatch(data, { ...options, negatives: options.cqlWeight > 0 ? options.negatives : 0, values: !policyOnly }, embedder.dimension, batchRng);
    const priorBatch = priorFromSuccesses ? sampleBatch(data, { ...options, negatives: 0, values: false }, embedder.dimension, batchRng, data.successRows) : undefined;
    const constants = stepConstants(parameters, batch, options);
    let parts: Record<string, number> = {};
    const { value: cost, grads } = tf.variableGrads(() => {
      const losses = batchLosses(parameters, batch, constants, options, priorBatch, belief);
      const auxiliary = [losses.belief, losses['action-belief'], losses.answer, losses.chance].flatMap((loss) => (loss === undefined ? [] : [tf.mul(loss, options.beliefWeight)]));
      const total = policyOnly
        ? tf.addN([losses.policy as tf.Scalar, ...auxiliary])
        : tf.addN([losses.td, losses.value, tf.mul(losses.policy as tf.Scalar, options.policyWeight), ...(losses.cql === undefined ? [] : [tf.mul(losses.cql, options.cqlWeight)]), ...auxiliary] as tf.Tensor[]);
      if (step % 50 === 0 || step === options.steps) parts = Object.fromEntries(Object.entries(losses).map(([name, loss]) => [name, loss.dataSync()[0] ?? NaN]));
      return total as tf.Scalar;
    }, trainable);
    optimizer.apply(grads, { norms: false });
    tf.dispose([cost, ...Object.values(grads), constants.stateLayer, constants.candidateLayer, ...(constants.targets === undefined ? [] : [constants.targets.td, constants.targets.value].filter((target) => target !== undefined))]);
    disposeBatch(batch);
    if (priorBatch !== undefined) disposeBatch(priorBatch);
    if (!policyOnly) polyakUpdate(parameters, options.polyak);
    if (Object.keys(parts).length > 0) {
      history.push({ step, losses: parts });
      if (Object.values(parts).some((loss) => !Number.isFinite(loss))) {
        throw new ReverieError(`training diverged at step ${step}: losses ${JSON.stringify(parts)}`, { hint: 'Lower --learning-rate, or check the rewards in the dataset.' });
      }
    }
    progress?.tick(1, Object.fromEntries(Object.entries(parts).map(([name, loss]) => [name, loss.toFixed(3)])));
    await hooks.onStep?.(step, Object.keys(parts).length > 0 ? parts : undefined, { parameters, library: data.library });
  }
  progress?.done();
  const seconds = (performance.now() - started) / 1000;
  return {
    algorithm: options.algorithm,
    options,
    parameters,
    library: data.library,
    ...(belief === undefined ? {} : { belief: belief.targets.fields }),
    history,
    stats: { dialogues: data.kept, transitions: data.actions.length, seconds, stepsPerSecond: options.steps / seconds },
  };
};
