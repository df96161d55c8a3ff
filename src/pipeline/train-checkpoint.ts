/**
 * What `reverie train` does for the utterance-level algorithms, as a library function: train
 * ILQL, BC or filtered BC on dialogues of one task and save the checkpoint folder an agent acts
 * from (`NAME=DIR`). The task and its version come from the dialogues themselves.
 *
 * @example
 * const { dialogues } = await imagineOffline(task, { count: 1000, seed: 1, file: 'run/dialogues.jsonl' });
 * const trained = await trainCheckpoint(dialogues, { algorithm: 'ilql', steps: 500, out: 'run/ilql' });
 * trained.summary; // transitions, steps per second, final losses
 */
import { definedOnly } from '../util/defined.ts';
import { readJsonl } from '../data/jsonl.ts';
import { dialogueSchema } from '../data/dialogue.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { createEmbedder, EmbeddingsClientRequiredError } from '../embed/create.ts';
import type { Embedder, EmbedderKind } from '../embed/embedder.ts';
import { openEmbeddingsEmbedder, utterancesOf } from '../embed/embeddings.ts';
import { ReverieError } from '../errors.ts';
import type { EmbeddingClient } from '../llm/embeddings.ts';
import { saveCheckpoint } from '../rl/checkpoint.ts';
import { defaultTrainOptions, train } from '../rl/train.ts';
import type { Algorithm, TrainedModel, TrainOptions } from '../rl/train.ts';

export type TrainCheckpointOptions = Partial<Omit<TrainOptions, 'algorithm'>> & {
  algorithm: Algorithm;
  /** The checkpoint folder. */
  out: string;
  /** The state and utterance encoder (default 'hashed'; 'dialogue' reads each exchange apart; 'embeddings' needs `embeddingClient`). */
  encoder?: EmbedderKind;
  /** The hashed kinds' feature dimension (default 1024); the `embeddings` kind takes its model's. */
  dimension?: number;
  /** The client of the embedding model, for the `embeddings` encoder: every utterance of the dataset is embedded before training. */
  embeddingClient?: EmbeddingClient;
  /** Cancels the embedding requests. */
  signal?: AbortSignal;
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
};

export type TrainedCheckpoint = { model: TrainedModel; options: TrainOptions; out: string; task: string; summary: string };

/** The task and its version a dataset was made for; a dataset must hold one task. */
export const datasetTask = (dialogues: readonly Dialogue[], where = 'the dataset'): { task: string; version: number } => {
  const tasks = [...new Set(dialogues.map((dialogue) => dialogue.task))];
  if (tasks.length !== 1) throw new ReverieError(`${where} holds dialogues of ${tasks.length === 0 ? 'no task' : `several tasks (${tasks.join(', ')})`}`, { hint: 'Train on a dataset of one task.' });
  const version = typeof dialogues[0]?.meta.taskVersion === 'number' ? dialogues[0].meta.taskVersion : 1;
  return { task: tasks[0] ?? '', version };
};

/** The dialogues of a JSONL dataset file and the task they were made for. */
export const readDataset = async (file: string): Promise<{ dialogues: Dialogue[]; task: string; version: number }> => {
  const dialogues = await readJsonl(file, dialogueSchema);
  return { dialogues, ...datasetTask(dialogues, file) };
};

const trainingEmbedder = async (
  dialogues: readonly Dialogue[],
  options: { encoder: EmbedderKind; dimension: number; embeddingClient: EmbeddingClient | undefined; signal: AbortSignal | undefined; progress: TrainCheckpointOptions['progress'] },
): Promise<Embedder> => {
  if (options.encoder !== 'embeddings') return createEmbedder({ kind: options.encoder, version: 1, dimension: options.dimension });
  const client = options.embeddingClient;
  if (client === undefined) throw new EmbeddingsClientRequiredError('the embeddings encoder needs the client of an embedding model', { hint: 'Pass embeddingClient: createEmbeddingClient({ model: parseModelRef(…) }).' });
  // Every utterance up front (the client caches them on disk), so training itself makes no request.
  return openEmbeddingsEmbedder({ client, texts: utterancesOf(dialogues), baseURL: client.model.baseURL, signal: options.signal, progress: options.progress });
};

export const trainCheckpoint = async (dialogues: readonly Dialogue[], options: TrainCheckpointOptions): Promise<TrainedCheckpoint> => {
  const { task, version } = datasetTask(dialogues);
  const { out, encoder, dimension, embeddingClient, signal, progress, ...given } = options;
  const embedder = await trainingEmbedder(dialogues, { encoder: encoder ?? 'hashed', dimension: dimension ?? 1024, embeddingClient, signal, progress });
  const trainOptions: TrainOptions = { ...defaultTrainOptions, ...definedOnly(given) };
  const model = await train(dialogues, embedder, trainOptions, progress === undefined ? {} : { progress });
  await saveCheckpoint(out, model, { task, taskVersion: version, embedder: embedder.config });
  const last = model.history.at(-1)?.losses ?? {};
  const summary =
    `${trainOptions.algorithm}: ${model.stats.dialogues} dialogues, ${model.stats.transitions} transitions, ${model.library.length} distinct utterances\n` +
    `${trainOptions.steps} steps in ${model.stats.seconds.toFixed(1)} s (${model.stats.stepsPerSecond.toFixed(1)} steps/s); final losses ${Object.entries(last).map(([name, value]) => `${name} ${value.toFixed(3)}`).join(', ')}\n` +
    `checkpoint → ${out}`;
  return { model, options: trainOptions, out, task, summary };
};
