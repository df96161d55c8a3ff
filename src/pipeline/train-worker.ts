/**
 * The body of a training worker: trains one algorithm on the dialogues it is given, saves the
 * checkpoint, and reports every step to the parent. TensorFlow.js on WASM uses one core, so
 * separate workers are how training uses the machine's other cores.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReverieError } from '../errors.ts';
import { createEmbedder } from '../embed/create.ts';
import { saveCheckpoint } from '../rl/checkpoint.ts';
import { train } from '../rl/train.ts';
import type { TrainJob, WorkerMessage } from './parallel-train.ts';

const post = (message: WorkerMessage) => parentPort?.postMessage(message);
const job = workerData as TrainJob;

try {
  const embedder = createEmbedder(job.encoder);
  const model = await train(job.dialogues, embedder, job.options, { onStep: (step, losses) => post({ type: 'step', step, losses }) });
  await saveCheckpoint(job.directory, model, { ...job.context, embedder: embedder.config });
  post({ type: 'done', stats: model.stats, losses: model.history.at(-1)?.losses ?? {} });
} catch (error) {
  post({
    type: 'error',
    message: error instanceof Error ? error.message : String(error),
    hint: ReverieError.isInstance(error) ? error.hint : undefined,
    stack: error instanceof Error ? error.stack : undefined,
  });
}
