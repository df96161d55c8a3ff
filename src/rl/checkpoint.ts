/**
 * Checkpoints: the weights as `model.safetensors` and everything needed to use them as
 * `config.json` (task, algorithm, embedder, network shape, training options, the utterance
 * library). Loading checks that the checkpoint is ours, of a format version we read, and of
 * the task the caller expects.
 *
 * @example
 * await saveCheckpoint('run/checkpoints/ilql', model, { task: 'travel', taskVersion: 1, embedder: embedder.config });
 * const loaded = await loadCheckpoint('run/checkpoints/ilql', { task: 'travel' });
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { embedderConfigSchema, featureWidth, readsExchanges, unknownEmbedderKind, embedderKinds } from '../embed/create.ts';
import { ReverieError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { initBackend } from '../nn/backend.ts';
import { parameterShapes } from './network.ts';
import { isFixedParameter } from './parameters.ts';
import type { Parameters } from './parameters.ts';
import { decodeSafetensors, encodeSafetensors } from '../nn/safetensors.ts';
import type { NamedTensor } from '../nn/safetensors.ts';
import type { TrainedModel } from './train.ts';

export const checkpointFormat = 'reverie-utterance-model';
export const checkpointFormatVersion = 1;

const checkpointConfigSchema = z.object({
  format: z.literal(checkpointFormat),
  formatVersion: z.number().int(),
  task: z.string(),
  taskVersion: z.number().int(),
  algorithm: z.enum(['ilql', 'mc', 'bc', 'fbc']),
  embedder: embedderConfigSchema,
  network: z.object({
    inputDimension: z.number().int().positive(),
    hidden: z.number().int().positive(),
    exchanges: z.boolean().optional(),
    /** The persona fields the belief head predicts, with their values in head order (see belief.ts). */
    belief: z.array(z.object({ name: z.string(), values: z.array(z.string()).min(2) })).optional(),
    /** The wide terms read answered words (see embed/answered.ts). */
    answered: z.boolean().optional(),
    /** V reads how sure the belief is (see values in network.ts). */
    valueBelief: z.boolean().optional(),
    /** Q reads what each candidate's answer would tell, from an answer model (see answers.ts). */
    informationGain: z.boolean().optional(),
    /** The prior reads what each candidate's answer would tell, from an answer model (see answers.ts). */
    priorInformation: z.boolean().optional(),
    /** The belief reads answer evidence (see embed/evidence.ts). */
    evidence: z.boolean().optional(),
    /** The network has an answer-chance model, which agents act by (see answers.ts). */
    answerChance: z.boolean().optional(),
  }),
  training: z.record(z.string(), z.unknown()),
  stats: z.record(z.string(), z.number()),
  library: z.array(z.string()).min(1),
});

export type CheckpointConfig = z.infer<typeof checkpointConfigSchema>;
/**
 * How to act with a checkpoint, chosen after training (the demo picks β on validation personas)
 * and kept beside it in acting.json, so every command that loads the checkpoint acts the same way
 * unless told otherwise.
 */
export const actingDefaultsSchema = z.object({ k: z.number().int().positive(), beta: z.number().nonnegative(), chosenOn: z.string() }).strict();
export type ActingDefaults = z.infer<typeof actingDefaultsSchema>;

export type LoadedCheckpoint = { config: CheckpointConfig; parameters: Parameters; library: string[]; acting?: ActingDefaults };

export const saveActingDefaults = async (directory: string, acting: ActingDefaults): Promise<void> =>
  writeFileAtomic(join(directory, 'acting.json'), `${JSON.stringify(acting, null, 2)}\n`);

const readActingDefaults = async (file: string): Promise<ActingDefaults | undefined> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(`${file}: cannot read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, { hint: 'Delete acting.json to act with the default k and β.', cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CheckpointError(`${file}: not valid JSON`, { hint: 'Delete acting.json to act with the default k and β.' });
  }
  const parsed = actingDefaultsSchema.safeParse(data);
  if (!parsed.success) throw new CheckpointError(`${file}: ${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { hint: 'Delete acting.json to act with the default k and β.' });
  return parsed.data;
};

export class CheckpointError extends ReverieError {
  override readonly name = 'CheckpointError';
}

export const saveCheckpoint = async (
  directory: string,
  model: TrainedModel,
  context: { task: string; taskVersion: number; embedder: CheckpointConfig['embedder']; training?: Record<string, unknown> },
): Promise<CheckpointConfig> => {
  const tensors: Record<string, NamedTensor> = {};
  for (const [name, variable] of model.parameters) {
    tensors[name] = { dtype: 'F32', shape: [...variable.shape], data: Float32Array.from(variable.dataSync() as Float32Array) };
  }
  const config: CheckpointConfig = {
    format: checkpointFormat,
    formatVersion: checkpointFormatVersion,
    task: context.task,
    taskVersion: context.taskVersion,
    algorithm: model.algorithm,
    embedder: context.embedder,
    network: {
      inputDimension: featureWidth(context.embedder),
      hidden: model.options.hidden,
      ...(readsExchanges(context.embedder) ? { exchanges: true } : {}),
      ...(model.belief === undefined ? {} : { belief: model.belief }),
      ...(model.options.answered ? { answered: true } : {}),
      ...(model.belief !== undefined && model.options.valueBelief ? { valueBelief: true } : {}),
      ...(model.parameters.has('q1.information') ? { informationGain: true } : {}),
      ...(model.parameters.has('policy.information') ? { priorInformation: true } : {}),
      ...(model.parameters.has('belief.evidence') ? { evidence: true } : {}),
      ...(model.parameters.has('chance.w') ? { answerChance: true } : {}),
    },
    training: context.training ?? { ...model.options },
    stats: model.stats,
    library: model.library,
  };
  await writeFileAtomic(join(directory, 'model.safetensors'), encodeSafetensors(tensors, { format: checkpointFormat, task: context.task }));
  await writeFileAtomic(join(directory, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return config;
};

const readConfig = async (file: string): Promise<CheckpointConfig> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new CheckpointError(`${file}: cannot read the checkpoint config (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, {
      hint: 'Pass the folder `reverie train --out` wrote: it holds config.json and model.safetensors.',
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CheckpointError(`${file}: not valid JSON (${(cause as Error).message})`, { hint: 'The file is damaged; train the model again.', cause });
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== checkpointFormat) {
    throw new CheckpointError(`${file}: not a Reverie checkpoint (format ${JSON.stringify(format)})`, { hint: `Expected format "${checkpointFormat}".` });
  }
  const version = (json as { formatVersion?: unknown }).formatVersion;
  if (version !== checkpointFormatVersion) {
    throw new CheckpointError(`${file}: checkpoint format version ${String(version)}, this Reverie reads version ${checkpointFormatVersion}`, {
      hint: 'Train the model again with this version of Reverie.',
    });
  }
  const kind = unknownEmbedderKind((json as { embedder?: unknown }).embedder);
  if (kind !== undefined) {
    throw new CheckpointError(`${file}: the checkpoint's encoder is of kind "${kind}", which this Reverie does not know (${embedderKinds.join(', ')})`, {
      hint: 'Act with the Reverie version that trained it, or train the model again with this one.',
    });
  }
  const parsed = checkpointConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointError(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid config'}`, { hint: 'The config is damaged; train the model again.' });
  }
  return parsed.data;
};

export const loadCheckpoint = async (directory: string, expect: { task?: string } = {}): Promise<LoadedCheckpoint> => {
  const config = await readConfig(join(directory, 'config.json'));
  if (expect.task !== undefined && config.task !== expect.task) {
    throw new CheckpointError(`${directory}: this checkpoint was trained on task "${config.task}", not "${expect.task}"`, {
      hint: `Use a checkpoint trained on ${expect.task}, or pass --task ${config.task}.`,
    });
  }
  const weightsFile = join(directory, 'model.safetensors');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(weightsFile));
  } catch (cause) {
    throw new CheckpointError(`${weightsFile}: cannot read the weights (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, { hint: 'Train the model again.', cause });
  }
  const { tensors } = decodeSafetensors(bytes, weightsFile);
  await initBackend();
  const parameters: Parameters = new Map();
  for (const [name, shape] of parameterShapes({ ...config.network, belief: config.network.belief?.map((field) => field.values.length) })) {
    const tensor = tensors[name];
    if (tensor === undefined || tensor.dtype !== 'F32' || tensor.shape.join(',') !== shape.join(',')) {
      throw new CheckpointError(`${weightsFile}: tensor "${name}" is ${tensor === undefined ? 'missing' : `${tensor.dtype} [${tensor.shape}]`}, expected F32 [${shape}]`, {
        hint: 'The weights do not match config.json; train the model again.',
      });
    }
    parameters.set(name, tf.variable(tf.tensor(tensor.data as Float32Array, shape), !isFixedParameter(name)));
  }
  const acting = await readActingDefaults(join(directory, 'acting.json'));
  return { config, parameters, library: config.library, ...(acting === undefined ? {} : { acting }) };
};
