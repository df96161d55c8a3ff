/**
 * Offline training on imagined dialogues. `ilql` learns twin Q, V and the behaviour model
 * together (ILQL's four losses); `bc` trains the behaviour model alone on every dialogue and
 * `fbc` the same on successful dialogues only — one code path, three algorithms.
 *
 * @example
 * const model = await train(dialogues, createHashedEmbedder({ dimension: 1024 }), { ...defaultTrainOptions, algorithm: 'ilql' });
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { ReverieError } from '../errors.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { toTransitions } from '../data/transitions.ts';
import { densify } from '../embed/hashed.ts';
import type { Embedder, SparseVector } from '../embed/hashed.ts';
import { createProgress } from '../util/progress.ts';
import { createRng } from '../util/rng.ts';
import type { Rng } from '../util/rng.ts';
import { initBackend } from './backend.ts';
import { linear } from './linear.ts';
import { conservativeLoss, crossEntropy, expectileLoss, squaredError, stopGradient, tdTarget } from './losses.ts';
import { encodeActions, encodeStates, initialParameters, isTargetParameter, policyLogits, polyakUpdate, qPaired, qValues, values } from './network.ts';
import type { Parameters } from './network.ts';

export type Algorithm = 'ilql' | 'bc' | 'fbc';

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
  negatives: 8,
  inputDropout: 0.5,
  seed: 0,
};

export type TrainedModel = {
  algorithm: Algorithm;
  options: TrainOptions;
  parameters: Parameters;
  /** Every distinct agent utterance of the training data: the candidates an agent can say. */
  library: string[];
  history: { step: number; losses: Record<string, number> }[];
  stats: { dialogues: number; transitions: number; seconds: number; stepsPerSecond: number };
};

export class EmptyTrainingSetError extends ReverieError {
  override readonly name = 'EmptyTrainingSetError';
}

type Batch = { states: tf.Tensor2D; next: tf.Tensor2D; candidates: tf.Tensor2D; taken: tf.Tensor2D; labels: Int32Array; reward: tf.Tensor1D; done: tf.Tensor1D; negatives: tf.Tensor2D | undefined };

const prepare = (dialogues: readonly Dialogue[], embedder: Embedder, algorithm: Algorithm) => {
  const kept = algorithm === 'fbc' ? dialogues.filter((dialogue) => dialogue.success) : dialogues;
  const transitions = toTransitions(kept);
  if (transitions.length === 0) {
    throw new EmptyTrainingSetError(`no agent turns to learn from in ${dialogues.length} dialogues${algorithm === 'fbc' ? ' (filtered BC keeps successful dialogues only)' : ''}`, {
      hint: 'Imagine more dialogues, or check that the dataset has agent turns and successes.',
    });
  }
  const libraryIndex = new Map<string, number>();
  for (const transition of transitions) if (!libraryIndex.has(transition.action)) libraryIndex.set(transition.action, libraryIndex.size);
  const library = [...libraryIndex.keys()];
  const empty: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) };
  return {
    kept: kept.length,
    library,
    libraryRows: library.map((text) => embedder.embedAction(text)),
    states: transitions.map((transition) => embedder.embedState(transition.state)),
    next: transitions.map((transition) => (transition.next === undefined ? empty : embedder.embedState(transition.next))),
    actions: Int32Array.from(transitions, (transition) => libraryIndex.get(transition.action) ?? 0),
    reward: Float32Array.from(transitions, (transition) => transition.reward),
    done: Float32Array.from(transitions, (transition) => Number(transition.done)),
  };
};

type Prepared = ReturnType<typeof prepare>;

/** Inverted dropout on a dense batch: zero each feature with probability p, scale the rest by 1/(1 − p). */
export const dropFeatures = (dense: Float32Array, p: number, rng: Rng): Float32Array => {
  if (p <= 0) return dense;
  const keep = 1 / (1 - p);
  for (let i = 0; i < dense.length; i += 1) if (dense[i] !== 0) dense[i] = rng.next() < p ? 0 : (dense[i] ?? 0) * keep;
  return dense;
};

const sampleBatch = (data: Prepared, options: TrainOptions, dimension: number, rng: Rng): Batch => {
  const rows = Array.from({ length: options.batchSize }, () => rng.int(0, data.actions.length - 1));
  // Candidates are the distinct actions of the batch: the behaviour model's softmax runs over them.
  const candidateIds: number[] = [];
  const position = new Map<number, number>();
  const labels = Int32Array.from(rows, (row) => {
    const id = data.actions[row] ?? 0;
    if (!position.has(id)) position.set(id, candidateIds.push(id) - 1);
    return position.get(id) ?? 0;
  });
  // A softmax needs two candidates; a batch whose rows all took one utterance gets a second.
  if (candidateIds.length < 2) candidateIds.push(data.library.length > 1 ? ((candidateIds[0] ?? 0) + 1) % data.library.length : (candidateIds[0] ?? 0));
  const negativeIds = options.cqlWeight > 0 ? Array.from({ length: options.negatives }, () => rng.int(0, data.library.length - 1)) : [];
  const pick = (ids: readonly number[]) => ids.map((id) => data.libraryRows[id] as SparseVector);
  const tensor = (vectors: readonly SparseVector[], dropout = 0) => tf.tensor2d(dropFeatures(densify(vectors, dimension), dropout, rng), [vectors.length, dimension]);
  const candidates = tensor(pick(candidateIds));
  return {
    states: tensor(rows.map((row) => data.states[row] as SparseVector), options.inputDropout),
    next: tensor(rows.map((row) => data.next[row] as SparseVector)),
    candidates,
    taken: tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), candidateIds.length), 'float32') as tf.Tensor2D,
    labels,
    reward: tf.tensor1d(Float32Array.from(rows, (row) => data.reward[row] ?? 0)),
    done: tf.tensor1d(Float32Array.from(rows, (row) => data.done[row] ?? 1)),
    negatives: negativeIds.length > 0 ? tensor(pick(negativeIds)) : undefined,
  };
};

/** The losses of one batch; with `policyOnly`, just the behaviour model's cross-entropy. */
const batchLosses = (parameters: Parameters, batch: Batch, options: TrainOptions, policyOnly: boolean): Record<string, tf.Scalar> => {
  const states = encodeStates(parameters, batch.states);
  const candidates = encodeActions(parameters, batch.candidates);
  const policy = crossEntropy(policyLogits(parameters, states, candidates), batch.labels);
  if (policyOnly) return { policy };
  const actions = { raw: linear(batch.taken, candidates.raw), hidden: linear(batch.taken, candidates.hidden) };
  const negatives = batch.negatives === undefined ? undefined : encodeActions(parameters, batch.negatives);
  const nextValue = stopGradient(values(parameters, encodeStates(parameters, batch.next)));
  const target = tdTarget(batch.reward, batch.done, nextValue, options.gamma);
  const fixedStates = { raw: states.raw, hidden: stopGradient(states.hidden) };
  const fixedActions = { raw: actions.raw, hidden: stopGradient(actions.hidden) };
  const targetQ = stopGradient(tf.minimum(qPaired(parameters, 'target-q1', fixedStates, fixedActions), qPaired(parameters, 'target-q2', fixedStates, fixedActions)));
  const value = expectileLoss(tf.sub(targetQ, values(parameters, states)), options.expectile);
  let td = tf.scalar(0);
  let cql = tf.scalar(0);
  for (const head of ['q1', 'q2'] as const) {
    const q = qPaired(parameters, head, states, actions);
    td = tf.add(td, squaredError(q, target));
    if (negatives === undefined) continue;
    const alternatives = tf.concat([tf.reshape(q, [-1, 1]), qValues(parameters, head, states, negatives)], 1) as tf.Tensor2D;
    cql = tf.add(cql, conservativeLoss(q, alternatives));
  }
  return negatives === undefined ? { td, value, policy } : { td, value, cql, policy };
};

/** Where training reports: a progress line on a stream, and/or a callback every step. */
export type TrainHooks = {
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Called after every step; `losses` is filled every 50 steps and on the last one. */
  onStep?: (step: number, losses: Record<string, number> | undefined) => void;
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
  ].filter((problem) => problem !== '');
  if (problems.length > 0) throw new TrainOptionsError(`invalid training options: ${problems.join('; ')}`, { hint: 'Fix the flags named above.' });
};

export const train = async (dialogues: readonly Dialogue[], embedder: Embedder, options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainedModel> => {
  checkOptions(options);
  await initBackend();
  const started = performance.now();
  const data = prepare(dialogues, embedder, options.algorithm);
  const rng = createRng(options.seed).fork(`train-${options.algorithm}`);
  const parameters = initialParameters({ inputDimension: embedder.dimension, hidden: options.hidden }, rng.fork('init'));
  const trainable = [...parameters].filter(([name]) => !isTargetParameter(name)).map(([, variable]) => variable);
  const optimizer = tf.train.adam(options.learningRate);
  const policyOnly = options.algorithm !== 'ilql';
  const history: TrainedModel['history'] = [];
  const progress = hooks.progress === undefined ? undefined : createProgress({ label: `train ${options.algorithm}`, total: options.steps, stream: hooks.progress });
  const batchRng = rng.fork('batches');
  for (let step = 1; step <= options.steps; step += 1) {
    const batch = sampleBatch(data, options, embedder.dimension, batchRng);
    let parts: Record<string, number> = {};
    const cost = optimizer.minimize(() => {
      const losses = batchLosses(parameters, batch, options, policyOnly);
      const total = policyOnly
        ? (losses.policy as tf.Scalar)
        : tf.addN([losses.td, losses.value, tf.mul(losses.policy as tf.Scalar, options.policyWeight), ...(losses.cql === undefined ? [] : [tf.mul(losses.cql, options.cqlWeight)])] as tf.Tensor[]);
      if (step % 50 === 0 || step === options.steps) parts = Object.fromEntries(Object.entries(losses).map(([name, loss]) => [name, loss.dataSync()[0] ?? NaN]));
      return total as tf.Scalar;
    }, true, trainable);
    cost?.dispose();
    for (const tensor of Object.values(batch)) if (tensor instanceof tf.Tensor) tensor.dispose();
    if (!policyOnly) polyakUpdate(parameters, options.polyak);
    if (Object.keys(parts).length > 0) {
      history.push({ step, losses: parts });
      if (Object.values(parts).some((loss) => !Number.isFinite(loss))) {
        throw new ReverieError(`training diverged at step ${step}: losses ${JSON.stringify(parts)}`, { hint: 'Lower --learning-rate, or check the rewards in the dataset.' });
      }
    }
    progress?.tick(1, Object.fromEntries(Object.entries(parts).map(([name, loss]) => [name, loss.toFixed(3)])));
    hooks.onStep?.(step, Object.keys(parts).length > 0 ? parts : undefined);
  }
  progress?.done();
  optimizer.dispose();
  const seconds = (performance.now() - started) / 1000;
  return {
    algorithm: options.algorithm,
    options,
    parameters,
    library: data.library,
    history,
    stats: { dialogues: data.kept, transitions: data.actions.length, seconds, stepsPerSecond: options.steps / seconds },
  };
};
