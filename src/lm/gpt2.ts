/**
 * The GPT-2 forward pass (pre-norm transformer blocks, tied embeddings), written with raw tf ops
 * so it runs inside `optimizer.minimize` / `tf.variableGrads`, plus the language-model head and
 * loss. Dense layers go through `linear()` (hand-written gradient, fast on WASM). No dropout.
 * For generation one token at a time, use `forwardWithCache` in gpt2-cache.ts: it reuses the
 * prefix's keys and values instead of recomputing them.
 *
 * @example
 * const { hidden } = forward(params, config, Int32Array.of(1, 2, 3, 4, 5, 6), { batch: 2 }); // [2, 3, d]
 * const logits = lmLogits(params, hidden);                                                    // [2, 3, vocab]
 * const loss = lmLoss(params, config, ids, { batch: 2 });                                    // scalar
 */
import * as tf from '@tensorflow/tfjs-core';
// The model is trained through optimizer.minimize / variableGrads, and tfjs-core alone registers
// no gradients; the full package registers them (a dist/ deep import does not resolve under Node).
import '@tensorflow/tfjs';
import { linear } from '../nn/linear.ts';
import { attentionBias, selfAttention } from './gpt2-attention.ts';
import type { KvCache, LayerKv } from './gpt2-attention.ts';
import { headSize } from './gpt2-config.ts';
import type { Gpt2Config } from './gpt2-config.ts';
import { Gpt2InputError, readFlags, readTokens } from './gpt2-input.ts';
import type { ForwardOptions, TokenBatch, TokenIds } from './gpt2-input.ts';
import { gelu, layerNorm, softmaxCrossEntropy, tiedLogits } from './gpt2-ops.ts';
import { getParameter } from './gpt2-params.ts';
import type { Gpt2Parameters } from './gpt2-params.ts';

export type { ForwardOptions, TokenIds } from './gpt2-input.ts';

const matrix = (params: Gpt2Parameters, name: string) => getParameter(params, name) as tf.Tensor as tf.Tensor2D;
const vector = (params: Gpt2Parameters, name: string) => getParameter(params, name) as tf.Tensor as tf.Tensor1D;

const dense = (params: Gpt2Parameters, name: string, x: tf.Tensor2D): tf.Tensor2D =>
  linear(x, matrix(params, `${name}.weight`), vector(params, `${name}.bias`));

const norm = (params: Gpt2Parameters, name: string, x: tf.Tensor2D, config: Gpt2Config): tf.Tensor2D =>
  layerNorm(x, getParameter(params, `${name}.weight`), getParameter(params, `${name}.bias`), config.layer_norm_epsilon);

/**
 * Position ids that count real tokens only (continuing from `seen` real tokens per row), and
 * the updated counts. Padding gets the position of the previous real token; its output is unused.
 */
function positionIds(tokens: TokenBatch, seen: Int32Array | undefined, maxPositions: number): { positions: Int32Array; seen: Int32Array } {
  const { batch, length, mask } = tokens;
  const positions = new Int32Array(batch * length);
  const after = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    let count = seen?.[b] ?? 0;
    for (let t = 0; t < length; t++) {
      const real = mask === undefined || mask[b * length + t] === 1;
      if (real && count >= maxPositions) {
        throw new Gpt2InputError(`row ${b} reaches position ${count}, but the model has only n_positions = ${maxPositions}`, {
          hint: 'Truncate or window the sequence (keep its last n_positions tokens), or start a fresh KV cache.',
        });
      }
      positions[b * length + t] = real ? count : Math.max(0, Math.min(count - 1, maxPositions - 1));
      if (real) count += 1;
    }
    after[b] = count;
  }
  return { positions, seen: after };
}

/** 1/0 per row over past and new keys, or undefined when nothing is padding. */
function keyMask(tokens: TokenBatch, past: KvCache | undefined): Int32Array | undefined {
  const pastPadded = past !== undefined && past.mask.includes(0);
  if (tokens.mask === undefined && !pastPadded) return undefined;
  const pastLength = past?.length ?? 0;
  const keys = pastLength + tokens.length;
  const mask = new Int32Array(tokens.batch * keys).fill(1);
  for (let b = 0; b < tokens.batch; b++) {
    if (past !== undefined) mask.set(past.mask.subarray(b * pastLength, (b + 1) * pastLength), b * keys);
    if (tokens.mask !== undefined) mask.set(tokens.mask.subarray(b * tokens.length, (b + 1) * tokens.length), b * keys + pastLength);
  }
  return mask;
}

function block(params: Gpt2Parameters, config: Gpt2Config, layer: number, x: tf.Tensor2D, bias: tf.Tensor4D, shape: { batch: number; length: number }, past?: LayerKv) {
  const name = `h.${layer}`;
  let scale = config.scale_attn_weights ? 1 / Math.sqrt(headSize(config)) : 1;
  if (config.scale_attn_by_inverse_layer_idx) scale /= layer + 1;
  const qkv = dense(params, `${name}.attn.c_attn`, norm(params, `${name}.ln_1`, x, config));
  const attention = selfAttention(qkv, { ...shape, heads: config.n_head, scale }, bias, past);
  const afterAttention = tf.add(x, dense(params, `${name}.attn.c_proj`, attention.output)) as tf.Tensor2D;
  const inner = gelu(dense(params, `${name}.mlp.c_fc`, norm(params, `${name}.ln_2`, afterAttention, config))) as tf.Tensor2D;
  return { x: tf.add(afterAttention, dense(params, `${name}.mlp.c_proj`, inner)) as tf.Tensor2D, present: attention.present };
}

/**
 * The transformer over checked tokens, continuing from `past` when given. Returns hidden
 * states [B·T, d] after ln_f, every layer's keys/values (past joined with these tokens), and
 * the real-token counts per row. Used by `forward` and by the KV-cache path alike.
 */
export function runTransformer(params: Gpt2Parameters, config: Gpt2Config, tokens: TokenBatch, past?: KvCache) {
  if (past !== undefined && past.batch !== tokens.batch) {
    throw new Gpt2InputError(`the KV cache holds ${past.batch} rows but ${tokens.batch} were given`, {
      hint: 'Continue a cache with exactly one new row of tokens per cached row.',
    });
  }
  const { positions, seen } = positionIds(tokens, past?.seen, config.n_positions);
  const idTensor = tf.tensor1d(tokens.ids, 'int32');
  const positionTensor = tf.tensor1d(positions, 'int32');
  let x = tf.add(tf.gather(getParameter(params, 'wte.weight'), idTensor), tf.gather(getParameter(params, 'wpe.weight'), positionTensor)) as tf.Tensor2D;
  const bias = attentionBias(tokens.batch, tokens.length, past?.length ?? 0, keyMask(tokens, past));
  const presents: LayerKv[] = [];
  for (let layer = 0; layer < config.n_layer; layer++) {
    const out = block(params, config, layer, x, bias, tokens, past?.layers[layer]);
    x = out.x;
    presents.push(out.present);
  }
  return { hidden: norm(params, 'ln_f', x, config), presents, seen };
}

/**
 * Hidden states [B, T, d] after the final layer norm, recomputing the whole sequence. `ids` is
 * a [B, T] int32 tensor or a flat row-major array with `options.batch` rows. Differentiable;
 * intermediates are released (tf.tidy keeps what the gradient tape needs), only `hidden` is yours.
 */
export function forward(params: Gpt2Parameters, config: Gpt2Config, ids: TokenIds, options: ForwardOptions = {}): { hidden: tf.Tensor3D } {
  const tokens = readTokens(ids, options, config.vocab_size);
  return tf.tidy(() => {
    const { hidden } = runTransformer(params, config, tokens);
    return { hidden: tf.reshape(hidden, [tokens.batch, tokens.length, config.n_embd]) as tf.Tensor3D };
  });
}

/** wteᵀ [d, vocab], for `lmLogits` in decoding loops where the weights do not change. Dispose it yourself. */
export const transposeEmbedding = (params: Gpt2Parameters): tf.Tensor2D => tf.transpose(matrix(params, 'wte.weight'));

/**
 * Next-token logits with the tied embedding: hidden [B, T, d] → [B, T, vocab] (or [N, d] →
 * [N, vocab]). Differentiable with respect to hidden and wte, unless `transposedEmbedding` is given.
 */
export function lmLogits<R extends tf.Rank.R2 | tf.Rank.R3>(params: Gpt2Parameters, hidden: tf.Tensor<R>, options: { transposedEmbedding?: tf.Tensor2D } = {}): tf.Tensor<R> {
  return tf.tidy(() => {
    const d = hidden.shape[hidden.rank - 1]!;
    const flat = tf.reshape(hidden, [-1, d]) as tf.Tensor2D;
    const wte = matrix(params, 'wte.weight');
    const logits = tiedLogits(flat, wte, options.transposedEmbedding);
    return tf.reshape(logits, [...hidden.shape.slice(0, -1), wte.shape[0]]) as tf.Tensor as tf.Tensor<R>;
  });
}

export type LossOptions = ForwardOptions & {
  /** 1 where a token should be predicted (e.g. only the agent's turns), laid out like ids. */
  lossMask?: TokenIds;
};

/**
 * Mean next-token cross-entropy (nats per predicted token) of each row's tokens 1..T−1 given the
 * ones before. Targets that are padding, follow padding, or have lossMask 0 are left out.
 */
export function lmLoss(params: Gpt2Parameters, config: Gpt2Config, ids: TokenIds, options: LossOptions = {}): tf.Scalar {
  const tokens = readTokens(ids, options, config.vocab_size);
  const { batch, length } = tokens;
  if (length < 2) throw new Gpt2InputError('lmLoss needs at least two tokens per row', { hint: 'Pass sequences of length ≥ 2.' });
  const lossMask = options.lossMask === undefined ? undefined : readFlags(options.lossMask, tokens.ids.length, 'loss mask');
  const targets = new Int32Array(batch * (length - 1));
  const weights = new Float32Array(batch * (length - 1));
  for (let b = 0; b < batch; b++) {
    for (let t = 1; t < length; t++) {
      const at = b * length + t;
      const real = tokens.mask === undefined || (tokens.mask[at] === 1 && tokens.mask[at - 1] === 1);
      targets[b * (length - 1) + t - 1] = tokens.ids[at] as number;
      weights[b * (length - 1) + t - 1] = real && (lossMask === undefined || lossMask[at] === 1) ? 1 : 0;
    }
  }
  const count = weights.reduce((a, w) => a + w, 0);
  if (count === 0) throw new Gpt2InputError('lmLoss: no token is left to predict after masking', { hint: 'Check attentionMask and lossMask: some target must be real and selected.' });
  return tf.tidy(() => {
    const { hidden } = runTransformer(params, config, tokens);
    const d = config.n_embd;
    const inputs = tf.reshape(tf.slice(tf.reshape(hidden, [batch, length, d]), [0, 0, 0], [batch, length - 1, d]), [-1, d]) as tf.Tensor2D;
    const losses = softmaxCrossEntropy(lmLogits(params, inputs), targets);
    return tf.div(tf.sum(tf.mul(losses, tf.tensor1d(weights))), count) as tf.Scalar;
  });
}
