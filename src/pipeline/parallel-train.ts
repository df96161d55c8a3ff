/**
 * Trains several algorithms at once, one worker thread each, as many at a time as the machine
 * has cores. Each worker writes its checkpoint; the caller loads what it needs afterwards.
 *
 * @example
 * await trainInWorkers([{ options: { ...defaultTrainOptions, algorithm: 'ilql' }, dialogues, encoder: { kind: 'hashed', version: 1, dimension: 1024 }, directory: 'run/checkpoints/ilql', context }], { concurrency: 2 });
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Dialogue } from '../data/dialogue.ts';
import type { EmbedderConfig } from '../embed/embedder.ts';
import { ReverieError } from '../errors.ts';
import { isValueAlgorithm } from '../rl/train.ts';
import type { TrainedModel, TrainOptions } from '../rl/train.ts';

export type TrainJob = {
  options: TrainOptions;
  dialogues: readonly Dialogue[];
  /** The encoder the job trains with (kind and dimension). */
  encoder: EmbedderConfig;
  directory: string;
  context: { task: string; taskVersion: number; training?: Record<string, unknown> };
};

export type WorkerMessage =
  | { type: 'step'; step: number; losses: Record<string, number> | undefined }
  | { type: 'done'; stats: TrainedModel['stats']; losses: Record<string, number> }
  | { type: 'error'; message: string; hint: string | undefined; stack: string | undefined };

export type JobResult = { job: TrainJob; stats: TrainedModel['stats']; losses: Record<string, number> };

// Run from the sources, a worker must register tsx itself (workers do not inherit the parent's
// loader), which train-worker.mjs does; built, the worker body is plain JavaScript.
const workerEntry = import.meta.url.endsWith('.ts') ? new URL('./train-worker.mjs', import.meta.url) : new URL('./train-worker.js', import.meta.url);

const runJob = (job: TrainJob, onStep: (job: TrainJob, step: number, losses: Record<string, number> | undefined) => void): Promise<JobResult> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry, { workerData: job });
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
      void worker.terminate();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'step') onStep(job, message.step, message.losses);
      else if (message.type === 'done') finish(() => resolve({ job, stats: message.stats, losses: message.losses }));
      else finish(() => reject(new ReverieError(`training ${job.options.algorithm} failed: ${message.message}`, { hint: message.hint ?? 'See the message above; rerun to resume from the checkpoints already written.' })));
    });
    worker.on('error', (error) => finish(() => reject(new ReverieError(`training worker for ${job.options.algorithm} crashed: ${error.message}`, { cause: error }))));
    worker.on('exit', (code) => finish(() => reject(new ReverieError(`training worker for ${job.options.algorithm} exited with code ${code} before finishing`))));
  });

/** `onDone` hears of each job as it finishes, so a caller can use one checkpoint while the others train. */
export const trainInWorkers = async (
  jobs: readonly TrainJob[],
  options: { concurrency?: number; onStep?: (job: TrainJob, step: number, losses: Record<string, number> | undefined) => void; onDone?: (result: JobResult) => void } = {},
): Promise<JobResult[]> => {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), jobs.length));
  // Longest first, so the slow job never waits for a free core at the end.
  const queue = [...jobs].sort((a, b) => cost(b) - cost(a));
  const results: JobResult[] = [];
  const runner = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const result = await runJob(job, options.onStep ?? (() => {}));
      results.push(result);
      options.onDone?.(result);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, runner));
  return jobs.map((job) => results.find((result) => result.job === job) as JobResult);
};

/** ILQL's step costs about twice a behaviour-model step. */
const cost = (job: TrainJob): number => job.options.steps * (isValueAlgorithm(job.options.algorithm) ? 2 : 1);
