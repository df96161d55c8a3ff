/**
 * GPT-2 model folders in Hugging Face's layout: `config.json` + `model.safetensors` (+ the
 * tokenizer files when present). Loading accepts tensor names with or without the
 * `transformer.` prefix, F32/F16/BF16 weights, and skips the attention-mask buffers and the tied
 * `lm_head.weight` some exports carry. Saving writes what transformers loads as GPT2LMHeadModel.
 *
 * @example
 * const { config, params, tokenizer } = await loadGpt2Folder('models/distilgpt2');
 * await saveGpt2Folder('runs/7/lm', config, params, tokenizer);
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ReverieError } from '../errors.ts';
import { decodeSafetensors, encodeSafetensors } from '../nn/safetensors.ts';
import type { NamedTensor } from '../nn/safetensors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { ByteLevelBpe } from './bpe.ts';
import { hasBpeFiles, loadBpeFolder, saveBpeFolder } from './bpe-files.ts';
import { gpt2ConfigToJson, parseGpt2Config } from './gpt2-config.ts';
import type { Gpt2Config } from './gpt2-config.ts';
import { gpt2ParameterShapes, variablesFrom } from './gpt2-params.ts';
import type { Gpt2Parameters } from './gpt2-params.ts';
import { widenHalfPrecision } from './half-precision.ts';

export class Gpt2FolderError extends ReverieError {
  override readonly name = 'Gpt2FolderError';
  readonly folder: string;

  constructor(folder: string, message: string, options: { hint: string; cause?: unknown }) {
    super(message, options);
    this.folder = folder;
  }
}

export type Gpt2Folder = { config: Gpt2Config; params: Gpt2Parameters; tokenizer: ByteLevelBpe | undefined };

// Buffers and tied copies that GPT-2 files may hold but that are not parameters here.
const IGNORED = [/^h\.\d+\.attn\.(bias|masked_bias)$/, /^lm_head\.weight$/];
const PREFIX = 'transformer.';

async function readRequired(folder: string, name: string, hint: string): Promise<Buffer> {
  const file = join(folder, name);
  try {
    return await readFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? String(cause)})`;
    throw new Gpt2FolderError(folder, `${file} ${problem}`, { hint, cause });
  }
}

async function readConfig(folder: string): Promise<Gpt2Config> {
  const bytes = await readRequired(folder, 'config.json', 'A GPT-2 folder needs config.json next to model.safetensors; copy it from the model you downloaded.');
  const file = join(folder, 'config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new Gpt2FolderError(folder, `${file} is not valid JSON`, { hint: 'Restore config.json from the model you downloaded.', cause });
  }
  return parseGpt2Config(raw, file);
}

/** File tensors → parameters, checking that every expected tensor is there with its shape. */
function toParameters(folder: string, config: Gpt2Config, tensors: Record<string, NamedTensor>, source: string): Gpt2Parameters {
  const found = new Map<string, NamedTensor>();
  const unexpected: string[] = [];
  for (const [rawName, tensor] of Object.entries(tensors)) {
    const name = rawName.startsWith(PREFIX) ? rawName.slice(PREFIX.length) : rawName;
    if (IGNORED.some((pattern) => pattern.test(name))) continue;
    found.set(name, tensor);
  }
  const expected = gpt2ParameterShapes(config);
  const missing = [...expected.keys()].filter((name) => !found.has(name));
  for (const name of found.keys()) if (!expected.has(name)) unexpected.push(name);
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [missing.length > 0 ? `missing ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''}` : '', unexpected.length > 0 ? `unexpected ${unexpected.slice(0, 8).join(', ')}` : ''];
    throw new Gpt2FolderError(folder, `${source} does not hold the GPT-2 weights config.json describes (${parts.filter(Boolean).join('; ')})`, {
      hint: `Check that config.json (n_layer ${config.n_layer}) belongs to these weights and that the model is a GPT-2 (GPT2LMHeadModel) export.`,
    });
  }
  const result = new Map<string, tf.Tensor>();
  for (const [name, shape] of expected) {
    const tensor = found.get(name) as NamedTensor;
    if (tensor.shape.join(',') !== shape.join(',') || !(tensor.data instanceof Float32Array || tensor.data instanceof Float64Array)) {
      tf.dispose([...result.values()]);
      throw new Gpt2FolderError(folder, `${source}: tensor ${name} is ${tensor.dtype} [${tensor.shape}], expected float [${shape}]`, {
        hint: 'The weights do not match config.json (vocab_size, n_positions, n_embd, n_inner): use the config that came with them.',
      });
    }
    // decodeSafetensors returns fresh arrays, so F32 data can be used without another copy.
    const data = tensor.data instanceof Float32Array ? tensor.data : Float32Array.from(tensor.data);
    result.set(name, tf.tensor(data, shape, 'float32'));
  }
  return variablesFrom(result);
}

/** Reads config.json, model.safetensors and, when vocab.json / merges.txt exist, the tokenizer. */
export async function loadGpt2Folder(folder: string): Promise<Gpt2Folder> {
  const config = await readConfig(folder);
  const source = join(folder, 'model.safetensors');
  const bytes = await readRequired(folder, 'model.safetensors', 'Only safetensors weights are read: export them with save_pretrained(..., safe_serialization=True), or convert pytorch_model.bin.');
  const { tensors } = decodeSafetensors(widenHalfPrecision(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)), source);
  const params = toParameters(folder, config, tensors, source);
  const tokenizer = (await hasBpeFiles(folder)) ? await loadBpeFolder(folder) : undefined;
  if (tokenizer !== undefined && tokenizer.vocabSize > config.vocab_size) {
    throw new Gpt2FolderError(folder, `the tokenizer has ${tokenizer.vocabSize} ids but the model only ${config.vocab_size}`, {
      hint: 'Save the model after growVocabulary so vocab_size covers every token id.',
    });
  }
  return { config, params, tokenizer };
}

/**
 * Writes model.safetensors (F32, GPT-2 tensor names, metadata format "pt" as transformers
 * requires), config.json and, if given, the tokenizer files. Each file is replaced atomically.
 */
export async function saveGpt2Folder(folder: string, config: Gpt2Config, params: Gpt2Parameters, tokenizer?: ByteLevelBpe): Promise<void> {
  const tensors: Record<string, NamedTensor> = {};
  for (const [name, shape] of gpt2ParameterShapes(config)) {
    const variable = params.get(name);
    if (variable === undefined || variable.shape.join(',') !== shape.join(',')) {
      throw new Gpt2FolderError(folder, `cannot save: parameter ${name} is ${variable === undefined ? 'missing' : `[${variable.shape}]`}, config needs [${shape}]`, {
        hint: 'Save the parameters together with the config they were built or loaded with (growVocabulary returns the new config).',
      });
    }
    tensors[name] = { dtype: 'F32', shape, data: Float32Array.from(variable.dataSync()) };
  }
  if (tokenizer !== undefined && tokenizer.vocabSize > config.vocab_size) {
    throw new Gpt2FolderError(folder, `cannot save: the tokenizer has ${tokenizer.vocabSize} ids but the model only ${config.vocab_size}`, {
      hint: 'Grow the model vocabulary (growVocabulary) after adding tokens.',
    });
  }
  await writeFileAtomic(join(folder, 'model.safetensors'), encodeSafetensors(tensors, { format: 'pt' }));
  await writeFileAtomic(join(folder, 'config.json'), `${JSON.stringify(gpt2ConfigToJson(config), null, 2)}\n`);
  if (tokenizer !== undefined) await saveBpeFolder(folder, tokenizer, { modelMaxLength: config.n_positions });
}
