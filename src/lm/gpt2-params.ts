/**
 * GPT-2's parameters as a Map<string, tf.Variable> named exactly like the tensors in Hugging Face
 * GPT-2 safetensors files (`wte.weight`, `h.0.attn.c_attn.weight`, …), so loading and saving is a
 * rename-free copy. Linear weights use the Conv1D layout [in, out], which is what `linear()` wants.
 *
 * @example
 * const params = initGpt2Parameters(tinyGpt2Config(), createRng('lm-1'));
 * params.get('h.0.mlp.c_fc.weight')?.shape; // [32, 128]
 */
import * as tf from '@tensorflow/tfjs-core';
import { ReverieError } from '../errors.ts';
import type { Rng } from '../util/rng.ts';
import { innerSize } from './gpt2-config.ts';
import type { Gpt2Config } from './gpt2-config.ts';

export type Gpt2Parameters = Map<string, tf.Variable>;

export class Gpt2ParameterError extends ReverieError {
  override readonly name = 'Gpt2ParameterError';
}

/** Every parameter's name and shape, in the order GPT-2 checkpoints list them. */
export function gpt2ParameterShapes(config: Gpt2Config): Map<string, number[]> {
  const d = config.n_embd;
  const inner = innerSize(config);
  const shapes = new Map<string, number[]>([
    ['wte.weight', [config.vocab_size, d]],
    ['wpe.weight', [config.n_positions, d]],
  ]);
  for (let i = 0; i < config.n_layer; i++) {
    const layer = `h.${i}`;
    shapes.set(`${layer}.ln_1.weight`, [d]).set(`${layer}.ln_1.bias`, [d]);
    shapes.set(`${layer}.attn.c_attn.weight`, [d, 3 * d]).set(`${layer}.attn.c_attn.bias`, [3 * d]);
    shapes.set(`${layer}.attn.c_proj.weight`, [d, d]).set(`${layer}.attn.c_proj.bias`, [d]);
    shapes.set(`${layer}.ln_2.weight`, [d]).set(`${layer}.ln_2.bias`, [d]);
    shapes.set(`${layer}.mlp.c_fc.weight`, [d, inner]).set(`${layer}.mlp.c_fc.bias`, [inner]);
    shapes.set(`${layer}.mlp.c_proj.weight`, [inner, d]).set(`${layer}.mlp.c_proj.bias`, [d]);
  }
  return shapes.set('ln_f.weight', [d]).set('ln_f.bias', [d]);
}

/** Standard normal draws from a seeded source (Box–Muller; 1 − u keeps the log away from 0). */
function normals(count: number, std: number, rng: Rng): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - rng.next())) * std;
    const angle = 2 * Math.PI * rng.next();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/**
 * GPT-2's initialisation: weights and embeddings ~ N(0, 0.02²), biases 0, layer-norm gains 1,
 * and the two residual projections (`c_proj`) scaled by 1/√(2·n_layer) so the residual stream's
 * variance does not grow with depth. Each tensor draws from its own fork of `rng`, so changing
 * one shape leaves the others' values unchanged.
 */
export function initGpt2Parameters(config: Gpt2Config, rng: Rng): Gpt2Parameters {
  const params: Gpt2Parameters = new Map();
  const residualStd = 0.02 / Math.sqrt(2 * config.n_layer);
  for (const [name, shape] of gpt2ParameterShapes(config)) {
    const count = shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (/\.ln_\d\.weight$|^ln_f\.weight$/.test(name)) values = new Float32Array(count).fill(1);
    else if (name.endsWith('.bias')) values = new Float32Array(count);
    else values = normals(count, name.endsWith('c_proj.weight') ? residualStd : 0.02, rng.fork(name));
    const initial = tf.tensor(values, shape);
    params.set(name, tf.variable(initial, true, uniqueName(name)));
    initial.dispose();
  }
  return params;
}

// tf variable names are global to the engine; a suffix lets several models coexist.
let created = 0;
const uniqueName = (name: string): string => `gpt2/${name}/${created++}`;

/** Turns plain tensors (e.g. read from a file) into trainable variables; takes ownership of them. */
export function variablesFrom(tensors: Map<string, tf.Tensor>): Gpt2Parameters {
  const params: Gpt2Parameters = new Map();
  for (const [name, tensor] of tensors) {
    params.set(name, tf.variable(tensor, true, uniqueName(name)));
    tensor.dispose();
  }
  return params;
}

/** The named parameter, or a Gpt2ParameterError saying which one is missing. */
export function getParameter(params: Gpt2Parameters, name: string): tf.Variable {
  const variable = params.get(name);
  if (variable === undefined) {
    throw new Gpt2ParameterError(`GPT-2 parameter ${JSON.stringify(name)} is missing`, {
      hint: 'Build parameters with initGpt2Parameters or loadGpt2Folder for the same config you run the model with.',
    });
  }
  return variable;
}

export function disposeGpt2Parameters(params: Gpt2Parameters): void {
  for (const variable of params.values()) variable.dispose();
  params.clear();
}

/**
 * Grows the vocabulary (e.g. after adding role-marker tokens to a pretrained tokenizer): new
 * `wte` rows start at the mean of the existing rows, so the new tokens' logits start near the
 * average logit instead of dominating or vanishing. Returns a new config; `params` is updated in
 * place (its old `wte.weight` is disposed).
 */
export function growVocabulary(params: Gpt2Parameters, config: Gpt2Config, vocabSize: number): Gpt2Config {
  if (!Number.isInteger(vocabSize) || vocabSize < config.vocab_size) {
    throw new Gpt2ParameterError(`growVocabulary: cannot go from ${config.vocab_size} to ${vocabSize} tokens`, {
      hint: 'Pass a whole number at least as large as the current vocab_size (shrinking would drop trained rows).',
    });
  }
  if (vocabSize === config.vocab_size) return config;
  const old = getParameter(params, 'wte.weight');
  const grown = tf.tidy(() => {
    const mean = tf.mean(old, 0, true);
    return tf.concat([old, tf.tile(mean, [vocabSize - config.vocab_size, 1])], 0);
  });
  params.set('wte.weight', tf.variable(grown, true, uniqueName('wte.weight')));
  grown.dispose();
  old.dispose();
  return { ...config, vocab_size: vocabSize };
}
