/**
 * Resumable training state under `OUT/resume/`: every save writes a whole checkpoint folder
 * `step-000500/` (model, heads, reverie.json with the steps done) plus `optimizer.safetensors`
 * (Adam's step count and moments), and only then points `latest.json` at it. A run killed while
 * writing leaves `latest.json` on the previous complete save; older saves are removed after the
 * pointer moves. With the batches seeded by step (data.ts), a resumed run repeats the
 * uninterrupted one exactly.
 *
 * @example
 * await saveResumeState('runs/tok', model, info, adam.state());
 * const resumed = await loadResumeState('runs/tok'); // undefined when nothing was saved
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { decodeSafetensors, encodeSafetensors } from '../nn/safetensors.ts';
import type { NamedTensor } from '../nn/safetensors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { AdamState } from '../nn/adam.ts';
import { loadTokenCheckpoint, saveTokenCheckpoint, TokenCheckpointError } from './checkpoint.ts';
import type { TokenCheckpointInfo } from './checkpoint.ts';
import { disposeTokenModel } from './model.ts';
import type { TokenModel } from './model.ts';

const resumeFolder = 'resume';
const optimizerFile = 'optimizer.safetensors';
const latestSchema = z.object({ step: z.number().int().nonnegative(), folder: z.string().regex(/^step-\d+$/) }).strict();

export type ResumeState = { model: TokenModel; info: TokenCheckpointInfo; adam: AdamState; folder: string };

const stepFolder = (step: number) => `step-${String(step).padStart(6, '0')}`;

export async function saveResumeState(directory: string, model: TokenModel, info: TokenCheckpointInfo, adam: AdamState): Promise<void> {
  const root = join(directory, resumeFolder);
  const name = stepFolder(info.training.steps);
  await saveTokenCheckpoint(join(root, name), model, info);
  const tensors: Record<string, NamedTensor> = {};
  for (const [variable, { m, v }] of adam.moments) {
    tensors[`m/${variable}`] = { dtype: 'F32', shape: [m.length], data: m };
    tensors[`v/${variable}`] = { dtype: 'F32', shape: [v.length], data: v };
  }
  await writeFileAtomic(join(root, name, optimizerFile), encodeSafetensors(tensors, { step: String(adam.step) }));
  await writeFileAtomic(join(root, 'latest.json'), `${JSON.stringify({ step: info.training.steps, folder: name })}\n`);
  for (const entry of await readdir(root)) {
    if (entry !== name && /^step-\d+$/.test(entry)) await rm(join(root, entry), { recursive: true, force: true });
  }
}

async function readLatest(root: string): Promise<z.infer<typeof latestSchema> | undefined> {
  const file = join(root, 'latest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
  const parsed = latestSchema.safeParse((() => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  })());
  if (!parsed.success) {
    throw new TokenCheckpointError(`${file} is damaged`, { hint: `Delete ${root} to train from the start.` });
  }
  return parsed.data;
}

/** The last complete save in `directory`, or undefined when there is none. */
export async function loadResumeState(directory: string): Promise<ResumeState | undefined> {
  const root = join(directory, resumeFolder);
  const latest = await readLatest(root);
  if (latest === undefined) return undefined;
  const folder = join(root, latest.folder);
  const { model, info } = await loadTokenCheckpoint(folder);
  try {
    return { model, info, adam: await readOptimizer(join(folder, optimizerFile), root), folder };
  } catch (error) {
    disposeTokenModel(model);
    throw error;
  }
}

async function readOptimizer(file: string, root: string): Promise<AdamState> {
  const bytes = await readFile(file);
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  const moments: AdamState['moments'] = new Map();
  for (const [name, tensor] of Object.entries(tensors)) {
    if (!name.startsWith('m/')) continue;
    const v = tensors[`v/${name.slice(2)}`];
    if (!(tensor.data instanceof Float32Array) || !(v?.data instanceof Float32Array)) {
      throw new TokenCheckpointError(`${file}: the moments of ${name.slice(2)} are incomplete`, { hint: `Delete ${root} to train from the start.` });
    }
    moments.set(name.slice(2), { m: tensor.data, v: v.data });
  }
  const step = Number(metadata['step']);
  if (!Number.isInteger(step) || step < 0) {
    throw new TokenCheckpointError(`${file}: no optimizer step count in its metadata`, { hint: `Delete ${root} to train from the start.` });
  }
  return { step, moments };
}

export async function clearResumeState(directory: string): Promise<void> {
  await rm(join(directory, resumeFolder), { recursive: true, force: true });
}
