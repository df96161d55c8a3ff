/**
 * Token-model checkpoints: a Hugging Face GPT-2 folder (config.json, model.safetensors and the
 * tokenizer, which transformers loads as is), `ilql-heads.safetensors` for ILQL (the Q, target
 * Q and V heads), and `reverie.json` (zod-checked: format, task, algorithm, options, the format's
 * token ids, data and training stats, how to act). reverie.json is written last, so a folder
 * that has it holds a whole checkpoint; its presence is how agents tell a token checkpoint from
 * an utterance-level one.
 *
 * @example
 * await saveTokenCheckpoint('runs/token-ilql', model, info);
 * const { model, info } = await loadTokenCheckpoint('runs/token-ilql', { task: 'travel' });
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { ReverieError } from '../errors.ts';
import { loadGpt2Folder, saveGpt2Folder } from '../lm/hf-folder.ts';
import { disposeGpt2Parameters } from '../lm/gpt2-params.ts';
import { initBackend } from '../nn/backend.ts';
import { decodeSafetensors, encodeSafetensors } from '../nn/safetensors.ts';
import type { NamedTensor } from '../nn/safetensors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { headShapes, isTargetHead } from './heads.ts';
import type { IlqlHeads } from './heads.ts';
import type { TokenModel } from './model.ts';
import { tokenTrainOptionsSchema } from './train-options.ts';
import { specialTokenIds } from './vocabulary.ts';

export const tokenCheckpointFormat = 'reverie-token-model';
export const tokenCheckpointVersion = 1;
export const tokenInfoFile = 'reverie.json';
export const headsFile = 'ilql-heads.safetensors';

const id = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

/** How to decode with the checkpoint unless told otherwise (the bench chooses β on validation personas). */
export const tokenActingSchema = z
  .object({
    beta: z.number().nonnegative(),
    topK: z.number().int().positive().optional(),
    temperature: z.number().positive().optional(),
    greedy: z.boolean().optional(),
    chosenOn: z.string().optional(),
  })
  .strict();
export type TokenActing = z.infer<typeof tokenActingSchema>;

export const tokenCheckpointInfoSchema = z
  .object({
    format: z.literal(tokenCheckpointFormat),
    formatVersion: z.literal(tokenCheckpointVersion),
    task: z.string(),
    taskVersion: z.number().int(),
    algorithm: tokenTrainOptionsSchema.shape.algorithm,
    options: tokenTrainOptionsSchema,
    special: z.object({ user: id, agent: id, endOfTurn: id, endOfText: id }).strict(),
    data: z.object({ fingerprint: z.string(), dialogues: count, sequences: count, tokens: count, actions: count, longestUtterance: count }).strict(),
    training: z
      .object({
        /** Steps done; below options.steps in a resumable save. */
        steps: count,
        seconds: z.number().nonnegative(),
        /** Real (unpadded) tokens read per second of training, over the whole run. */
        tokensPerSecond: z.number().nonnegative(),
        tokens: count,
        parameters: z.object({ lm: count, heads: count }).strict(),
        backend: z.string(),
        losses: z.record(z.string(), z.number()),
      })
      .strict(),
    acting: tokenActingSchema.optional(),
  })
  .strict();

export type TokenCheckpointInfo = z.infer<typeof tokenCheckpointInfoSchema>;

export class TokenCheckpointError extends ReverieError {
  override readonly name = 'TokenCheckpointError';
}

const tensorOf = (variable: tf.Variable): NamedTensor => ({ dtype: 'F32', shape: [...variable.shape], data: Float32Array.from(variable.dataSync()) });

export const writeTokenInfo = (directory: string, info: TokenCheckpointInfo): Promise<void> =>
  writeFileAtomic(join(directory, tokenInfoFile), `${JSON.stringify(tokenCheckpointInfoSchema.parse(info), null, 2)}\n`);

export async function saveTokenCheckpoint(directory: string, model: TokenModel, info: TokenCheckpointInfo): Promise<void> {
  await saveGpt2Folder(directory, model.config, model.params, model.tokenizer);
  if (model.heads !== undefined) {
    const tensors = Object.fromEntries([...model.heads].map(([name, variable]) => [name, tensorOf(variable)]));
    await writeFileAtomic(join(directory, headsFile), encodeSafetensors(tensors, { format: tokenCheckpointFormat }));
  }
  await writeTokenInfo(directory, info);
}

export async function isTokenCheckpoint(directory: string): Promise<boolean> {
  return access(join(directory, tokenInfoFile)).then(
    () => true,
    () => false,
  );
}

export async function readTokenInfo(directory: string): Promise<TokenCheckpointInfo> {
  const file = join(directory, tokenInfoFile);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new TokenCheckpointError(`${file}: ${code === undefined ? 'not valid JSON' : `cannot read (${code})`}`, {
      hint: 'Pass a folder written by `reverie train --algorithm token-ilql|token-bc`; train again if the file is damaged.',
      cause,
    });
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== tokenCheckpointFormat) {
    throw new TokenCheckpointError(`${file}: not a token-model checkpoint (format ${JSON.stringify(format)})`, { hint: `Expected format "${tokenCheckpointFormat}".` });
  }
  const parsed = tokenCheckpointInfoSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new TokenCheckpointError(`${file}: ${problems}`, { hint: 'The file is damaged or from another Reverie version; train the model again.' });
  }
  return parsed.data;
}

async function loadHeads(directory: string, model: Omit<TokenModel, 'heads'>): Promise<IlqlHeads> {
  const file = join(directory, headsFile);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new TokenCheckpointError(`${file}: cannot read the ILQL heads (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, { hint: 'Train the model again.', cause });
  }
  const { tensors } = decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  const width = tensors['ilql.v.w1']?.shape[1];
  const shapes = headShapes({ hiddenSize: model.config.n_embd, vocabSize: model.config.vocab_size, ...(width === undefined ? {} : { width }) });
  const heads: IlqlHeads = new Map();
  for (const [name, shape] of shapes) {
    const tensor = tensors[name];
    if (tensor === undefined || tensor.dtype !== 'F32' || tensor.shape.join(',') !== shape.join(',')) {
      for (const variable of heads.values()) variable.dispose();
      throw new TokenCheckpointError(`${file}: tensor "${name}" is ${tensor === undefined ? 'missing' : `${tensor.dtype} [${tensor.shape}]`}, expected F32 [${shape}]`, {
        hint: 'The heads do not match the model in this folder; train again.',
      });
    }
    const initial = tf.tensor(tensor.data as Float32Array, shape);
    // Unnamed: tf's variable names are global, and several checkpoints may be loaded at once.
    heads.set(name, tf.variable(initial, !isTargetHead(name)));
    initial.dispose();
  }
  return heads;
}

/** Loads the model and its info, checking the task when `expect.task` is given. */
export async function loadTokenCheckpoint(directory: string, expect: { task?: string } = {}): Promise<{ model: TokenModel; info: TokenCheckpointInfo }> {
  const info = await readTokenInfo(directory);
  if (expect.task !== undefined && info.task !== expect.task) {
    throw new TokenCheckpointError(`${directory}: this checkpoint was trained on task "${info.task}", not "${expect.task}"`, {
      hint: `Use a checkpoint trained on ${expect.task}, or pass --task ${info.task}.`,
    });
  }
  await initBackend();
  const { config, params, tokenizer } = await loadGpt2Folder(directory);
  if (tokenizer === undefined) {
    disposeGpt2Parameters(params);
    throw new TokenCheckpointError(`${directory}: the tokenizer files (vocab.json, merges.txt) are missing`, { hint: 'Train the model again: the checkpoint is incomplete.' });
  }
  const special = specialTokenIds(tokenizer);
  if ((Object.keys(special) as (keyof typeof special)[]).some((key) => special[key] !== info.special[key])) {
    disposeGpt2Parameters(params);
    throw new TokenCheckpointError(`${directory}: the tokenizer's format tokens ${JSON.stringify(special)} differ from reverie.json's ${JSON.stringify(info.special)}`, {
      hint: 'The folder mixes files of two checkpoints; train again.',
    });
  }
  const lm = { config, params, tokenizer, special };
  if (info.algorithm === 'token-bc') return { model: lm, info };
  try {
    return { model: { ...lm, heads: await loadHeads(directory, lm) }, info };
  } catch (error) {
    disposeGpt2Parameters(params);
    throw error;
  }
}

/** Records how to act with the checkpoint (e.g. the β chosen on validation personas). */
export async function saveTokenActing(directory: string, acting: TokenActing): Promise<void> {
  const info = await readTokenInfo(directory);
  await writeTokenInfo(directory, { ...info, acting: tokenActingSchema.parse(acting) });
}
