/**
 * Training speed: each algorithm with the default options on one fixed imagined dataset.
 *
 * Short runs give the time per step: a step is timed between the `onStep` calls of the first
 * and the last step, so preparation (embedding every transition) and the first step are left
 * out. Full runs give what a user waits for: the wall time of `train` with the default number
 * of steps, preparation included, on the whole dataset.
 *
 * @example
 * const rows = await benchTraining(dialogues, embedder, { steps: 200, runs: 5, fullRuns: 1 });
 */
import type { Dialogue } from '../src/data/dialogue.ts';
import { createDialogueEmbedder } from '../src/embed/dialogue.ts';
import type { Embedder } from '../src/embed/hashed.ts';
import { defaultTrainOptions, train } from '../src/rl/train.ts';
import type { Algorithm, TrainedModel } from '../src/rl/train.ts';
import type { ResultRow } from './results.ts';
import { torchReference } from './reference.ts';
import { medianOf, note, peakRssMB, repeat } from './sampling.ts';

export type TrainingBenchOptions = { steps: number; runs: number; fullRuns: number };

const algorithms: readonly Algorithm[] = ['bc', 'fbc', 'ilql'];

/** Frees a model's variables so repeated runs do not pile up memory. */
export const disposeModel = (model: TrainedModel): void => {
  for (const variable of model.parameters.values()) variable.dispose();
};

/** The network the PyTorch reference builds too: without answered words, which get rows of their own. */
const plain = { ...defaultTrainOptions, answered: false };

/** One training run of `steps` steps: ms per step and transitions per second of steps 2…steps. */
const timeSteps = async (dialogues: readonly Dialogue[], embedder: Embedder, algorithm: Algorithm, steps: number, answered = false) => {
  let first = 0;
  let last = 0;
  const options = { ...plain, algorithm, steps, answered };
  const model = await train(dialogues, embedder, options, {
    onStep: (step) => {
      const now = performance.now();
      if (step === 1) first = now;
      last = now;
    },
  });
  disposeModel(model);
  const timed = steps - 1;
  const seconds = (last - first) / 1000;
  return { msPerStep: (seconds * 1000) / timed, transitionsPerSecond: (timed * options.batchSize) / seconds };
};

/** Wall time of whole default trainings, preparation included; no warm-up, the short runs were one. */
const timeFullRuns = async (dialogues: readonly Dialogue[], embedder: Embedder, algorithm: Algorithm, runs: number) => {
  const samples = [];
  for (let run = 1; run <= runs; run += 1) {
    note(`train ${algorithm}, full ${defaultTrainOptions.steps} steps on ${dialogues.length} dialogues: run ${run}/${runs}`);
    const started = performance.now();
    const model = await train(dialogues, embedder, { ...plain, algorithm });
    samples.push({ trainSeconds: (performance.now() - started) / 1000 });
    disposeModel(model);
  }
  return medianOf(samples);
};

export const benchTraining = async (dialogues: readonly Dialogue[], embedder: Embedder, options: TrainingBenchOptions): Promise<ResultRow[]> => {
  if (options.steps < 2) throw new RangeError(`training benchmark needs at least 2 steps, got ${options.steps}`);
  const rows: ResultRow[] = [];
  for (const algorithm of algorithms) {
    const samples = await repeat(options.runs, `train ${algorithm} (${options.steps} steps)`, () => timeSteps(dialogues, embedder, algorithm, options.steps));
    const full = options.fullRuns > 0 ? await timeFullRuns(dialogues, embedder, algorithm, options.fullRuns) : {};
    rows.push({ name: algorithm, values: { ...medianOf(samples), ...full, peakRssMB: peakRssMB() } });
  }
  const perStep = (name: string) => rows.find((row) => row.name === name)?.values['msPerStep'] ?? NaN;
  // The dialogue encoder (the guessing tasks' default) encodes every exchange of every state too.
  const dialogue = createDialogueEmbedder({ dimension: embedder.dimension });
  for (const algorithm of ['bc', 'ilql'] as const) {
    const samples = await repeat(options.runs, `train ${algorithm} with the dialogue encoder (${options.steps} steps)`, () => timeSteps(dialogues, dialogue, algorithm, options.steps));
    const values = medianOf(samples);
    rows.push({ name: `${algorithm}, dialogue encoder`, values: { ...values, overHashed: (values['msPerStep'] ?? NaN) / perStep(algorithm) } });
  }
  // Answered words (on by default) add a wide term per head that reads each state's answered pairs.
  for (const algorithm of ['bc', 'ilql'] as const) {
    const samples = await repeat(options.runs, `train ${algorithm} with answered words (${options.steps} steps)`, () => timeSteps(dialogues, embedder, algorithm, options.steps, true));
    const values = medianOf(samples);
    rows.push({ name: `${algorithm}, answered words`, values: { ...values, overHashed: (values['msPerStep'] ?? NaN) / perStep(algorithm) } });
  }
  const ilql = rows.find((row) => row.name === 'ilql');
  if (ilql !== undefined) ilql.values['ilqlOverBc'] = perStep('ilql') / perStep('bc');
  const torch = await torchReference(dialogues, embedder, options);
  if ('skipped' in torch) {
    note(torch.skipped);
    return rows;
  }
  for (const algorithm of ['bc', 'ilql'] as const) {
    const ours = rows.find((row) => row.name === algorithm);
    if (ours !== undefined) ours.values['oursOverTorch'] = perStep(algorithm) / torch[algorithm];
    rows.push({ name: `PyTorch ${torch.version} ${algorithm}`, values: { msPerStep: torch[algorithm], transitionsPerSecond: (1000 * defaultTrainOptions.batchSize) / torch[algorithm] } });
  }
  return rows;
};
