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
import { disposeBatch, prepareTransitions, sampleBatch } from './batch.ts';
import type { Batch } from './batch.ts';
import { createAdam } from '../nn/adam.ts';
import { linear } from '../nn/linear.ts';
import { conservativeLoss, crossEntropy, expectileLoss, mixReturns, squaredError, tdTarget } from './losses.ts';
import { encodeActions, encodeStates, firstLayer, initialParameters, policyLogits, polyakUpdate, qPaired, qValues, valueReadsBelief, values } from './network.ts';
import { isFixedParameter } from './parameters.ts';
import type { Encoded } from './network.ts';
import type { Parameters } from './parameters.ts';
import { beliefLoss, beliefTargets } from './belief.ts';
import { answerLoss } from './answers.ts';
import { createAnsweredIndex } from '../embed/answered.ts';
import { createEvidenceIndex } from '../embed/evidence.ts';
import type { BeliefTargets } from './belief.ts';

export type Algorithm = 'ilql' | 'mc' | 'bc' | 'fbc';

/** Algorithms that learn Q and V and act by advantage. */
export const valueAlgorithms: readonly Algorithm[] = ['ilql', 'mc'];
export const isValueAlgorithm = (algorithm: string): boolean => (valueAlgorithms as readonly string[]).includes(algorithm);

export { EmptyTrainingSetError } from './batch.ts';

export type TrainOptions = {
  algorithm: Algorithm;
  hidden: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Discount γ. */
  gamma: number;
  /** Expectile τ of the V regression. */
  expectile: number;
  /** Polyak rate ρ of the target Q heads. */
  polyak: number;
  cqlWeight: number;
  /** Weight of the behaviour-model loss inside ILQL. */
  policyWeight: number;
  /**
   * What the prior of ILQL and MC learns from: `all` (the behaviour policy π_β, as in ILQL) or
   * `successes` (filtered BC, on a batch of successful rows of its own each step). The prior only
   * proposes the k candidates and adds log π to each score; Q and V always learn from every
   * transition. Proposals from successes measured better on validation personas (ILQL success,
   * β 16 / 64, 300 episodes): travel 0.667 / 0.630 against 0.643 / 0.660, instruction 0.887 /
   * 0.887 against 0.670 / 0.680, persuasion 0.543 / 0.597 against 0.497 / 0.563.
   */
  prior: 'all' | 'successes';
  /** Library actions drawn per step as the conservative term's alternatives. */
  negatives: number;
  /**
   * Share of state features dropped (per row, per step) while training. Bag-of-n-gram states let
   * small networks memorise whole dialogues; dropping features forces them to rely on many.
   * Utterances are left whole: they come from a finite library seen many times, and the taken
   * utterance and its alternatives must look alike, or the conservative term can tell them
   * apart by their scaling alone.
   */
  inputDropout: number;
  /**
   * Weight of the belief loss. Above 0, the network gets a belief head that predicts each
   * dialogue's hidden persona from the state (see belief.ts), and the prior and Q read its
   * distribution; 0 leaves both out.
   */
  beliefWeight: number;
  /**
   * The prior's and Q's wide terms also read how the user answered each word a candidate says
   * again (see embed/answered.ts): an offer the user turned down, a guess the answers ruled out.
   */
  answered: boolean;
  /**
   * With a belief, it reads answer evidence (each asked word with the reply sentence's opener that
   * answers it, see embed/evidence.ts) rather than the state's features. Off: the belief of
   * networks trained before it, for comparison.
   */
  beliefEvidence: boolean;
  /** With a belief, V also reads how sure it is (see values in network.ts). */
  valueBelief: boolean;
  /**
   * With a belief, value learners also learn an answer model, P(yes | utterance, persona value),
   * and Q reads how much each candidate's answer would tell about each persona field under the
   * state's belief (see answers.ts).
   */
  informationGain: boolean;
  /**
   * With a belief, every learner also learns the answer model, and the prior reads how much each
   * candidate's answer would tell under the state's belief: a behaviour model can then learn that
   * the successful dialogues ask questions that split the items still possible.
   */
  priorInformation: boolean;
  /**
   * With a belief, every learner also learns whether the user answers each utterance with a yes or
   * a no at all, P(answer | utterance, persona value) (see answers.ts). Nothing in training reads
   * it, so every other weight trains as without it; agents use it to skip a candidate the state's
   * belief says will go unanswered (a question about what the user said they do not know).
   */
  answerChance: boolean;
  /** λ of ILQL's Q target (1 − λ)·(r + γV(s′)) + λ·G_t, mixing in each transition's Monte-Carlo return; 0 is ILQL's own. */
  returnMix: number;
  seed: number;
};

/** Defaults from the ILQL reference configs (γ, τ, ρ), sized to train in seconds on a CPU. */
export const defaultTrainOptions: TrainOptions = {
  algorithm: 'ilql',
  hidden: 64,
  steps: 3000,
  batchSize: 128,
  learningRate: 1e-3,
  gamma: 0.99,
  expectile: 0.7,
  polyak: 0.005,
  // The conservative term pushes down Q of utterances the data did not take in a state; at the
  // utterance level most of those are reasonable replies, so it flattens Q toward imitation
  // (0.40 success against 0.72 without it on travel). Acting already stays in the data's support,
  // choosing among the behaviour model's top k, which is the constraint ILQL needs here.
  cqlWeight: 0,
  policyWeight: 1,
  prior: 'successes',
  negatives: 8,
  inputDropout: 0.5,
  seed: 0,
  beliefWeight: 0,
  answered: true,
  beliefEvidence: true,
  valueBelief: false,
  informationGain: false,
  priorInformation: false,
  answerChance: false,
  returnMix: 0,
};

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

/**
 * What a step needs that is constant during it, computed outside the gradient tape: the
 * regression targets, and the first layers of the batch's states and candidates, which the
 * encoders inside the tape then reuse rather than recompute.
 */
const stepConstants = (parameters: Parameters, batch: Batch, options: TrainOptions) =>
  tf.tidy(() => {
    const stateLayer = firstLayer(parameters, 'state', batch.states);
    const candidateLayer = firstLayer(parameters, 'action', batch.candidates);
    const inputs = batch.values;
    if (inputs === undefined) return { stateLayer, candidateLayer, targets: undefined };
    // MC regresses both Q and V on the return, so it needs no network pass here; ILQL's V follows
    // the target Q and Q follows r + γV(s′).
    if (options.algorithm === 'mc') return { stateLayer, candidateLayer, targets: { targetQ: tf.clone(inputs.returns), td: tf.clone(inputs.returns) } };
    const states = encodeStates(parameters, batch.states, stateLayer, batch.exchanges, { answered: batch.answered, evidence: batch.evidence });
    const actions = takenActions(batch, encodeActions(parameters, batch.candidates, candidateLayer));
    const targets = {
      targetQ: tf.minimum(qPaired(parameters, 'target-q1', states, actions), qPaired(parameters, 'target-q2', states, actions)) as tf.Tensor1D,
      td: mixReturns(tdTarget(inputs.reward, inputs.done, values(parameters, encodeStates(parameters, inputs.next, undefined, inputs.nextExchanges, { belief: valueReadsBelief(parameters), evidence: inputs.nextEvidence })), options.gamma), inputs.returns, options.returnMix),
    };
    return { stateLayer, candidateLayer, targets };
  });

type StepConstants = ReturnType<typeof stepConstants>;

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
type BeliefInputs = { targets: BeliefTargets; successful: Uint8Array; answers: Int8Array; replied: Int8Array };

/** The losses of one batch; without value inputs, just the behaviour model's cross-entropy (and the belief losses). */
const batchLosses = (parameters: Parameters, batch: Batch, constants: StepConstants, options: TrainOptions, priorBatch?: Batch, belief?: BeliefInputs): Record<string, tf.Scalar> => {
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
  const negatives = inputs.negatives === undefined ? undefined : encodeActions(parameters, inputs.negatives);
  const value = options.algorithm === 'mc' ? squaredError(values(parameters, states), targets.targetQ) : expectileLoss(tf.sub(targets.targetQ, values(parameters, states)), options.expectile);
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

/** Where training reports: a progress line on a stream, and/or a callback every step. */
export type TrainHooks = {
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /**
   * Called after every step, and awaited; `losses` is filled every 50 steps and on the last one.
   * `model` is the network as it stands, to act with between steps (a learning curve).
   */
  onStep?: (step: number, losses: Record<string, number> | undefined, model: { parameters: Parameters; library: readonly string[] }) => void | Promise<void>;
};

export class TrainOptionsError extends ReverieError {
  override readonly name = 'TrainOptionsError';
}

const checkOptions = (options: TrainOptions): void => {
  const problems = [
    !Number.isInteger(options.steps) || options.steps < 1 ? `steps must be a positive integer (got ${options.steps})` : '',
    !Number.isInteger(options.batchSize) || options.batchSize < 1 ? `batch size must be a positive integer (got ${options.batchSize})` : '',
    options.expectile <= 0 || options.expectile >= 1 ? `expectile must lie strictly between 0 and 1 (got ${options.expectile})` : '',
    options.gamma < 0 || options.gamma > 1 ? `gamma must lie in [0, 1] (got ${options.gamma})` : '',
    options.inputDropout < 0 || options.inputDropout >= 1 ? `input dropout must lie in [0, 1) (got ${options.inputDropout})` : '',
    options.polyak <= 0 || options.polyak > 1 ? `polyak rate must lie in (0, 1] (got ${options.polyak})` : '',
    !(options.returnMix >= 0 && options.returnMix <= 1) ? `return mix must lie in [0, 1] (got ${options.returnMix})` : '',
  ].filter((problem) => problem !== '');
  if (problems.length > 0) throw new TrainOptionsError(`invalid training options: ${problems.join('; ')}`, { hint: 'Fix the flags named above.' });
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
    optimizer.apply(grads);
    tf.dispose([cost, ...Object.values(grads), constants.stateLayer, constants.candidateLayer, ...(constants.targets === undefined ? [] : [constants.targets.targetQ, constants.targets.td])]);
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
