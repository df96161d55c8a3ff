/**
 * Incremental decoding with a KV cache: each call runs only the NEW tokens through the model,
 * attending to the keys and values kept from earlier calls, so generating one token at a time
 * costs O(prefix) per step instead of re-running the whole prefix. Gives the same hidden states
 * (to float rounding) as `forward` over the full sequence.
 *
 * Ownership: every call returns a new cache and leaves the one it was given intact (so a search
 * can branch from it); dispose caches you no longer need with `disposeKvCache`.
 *
 * @example
 * // Prefill a left-padded batch, then feed one sampled token per row per step.
 * let { hidden, cache } = forwardWithCache(params, config, promptIds, undefined, { batch: 2, attentionMask });
 * const wteT = transposeEmbedding(params);
 * for (let step = 0; step < 20; step++) {
 *   const last = tf.tidy(() => lmLogits(params, tf.slice(hidden, [0, hidden.shape[1] - 1, 0], [-1, 1, -1]), { transposedEmbedding: wteT }));
 *   const next = pick(last); // Int32Array, one id per row
 *   hidden.dispose(); last.dispose();
 *   const out = forwardWithCache(params, config, next, cache, { batch: 2 });
 *   disposeKvCache(cache);
 *   ({ hidden, cache } = out);
 * }
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KvCache } from './gpt2-attention.ts';
import type { Gpt2Config } from './gpt2-config.ts';
import { readTokens } from './gpt2-input.ts';
import type { ForwardOptions, TokenIds } from './gpt2-input.ts';
import type { Gpt2Parameters } from './gpt2-params.ts';
import { runTransformer } from './gpt2.ts';

export type { KvCache };

/**
 * Reads `ids` ([B, T] new tokens per row; T may be 1) after the tokens in `cache` (none when
 * undefined). Returns the new tokens' hidden states [B, T, d] after ln_f and a new cache holding
 * past + new. For generation: not meant to be differentiated through.
 */
export function forwardWithCache(
  params: Gpt2Parameters,
  config: Gpt2Config,
  ids: TokenIds,
  cache: KvCache | undefined,
  options: ForwardOptions = {},
): { hidden: tf.Tensor3D; cache: KvCache } {
  const tokens = readTokens(ids, { batch: cache?.batch, ...options }, config.vocab_size);
  let seen: Int32Array = new Int32Array(0);
  const { hidden, layers } = tf.tidy(() => {
    const out = runTransformer(params, config, tokens, cache);
    seen = out.seen;
    return {
      hidden: tf.reshape(out.hidden, [tokens.batch, tokens.length, config.n_embd]) as tf.Tensor3D,
      layers: out.presents,
    };
  });
  const pastLength = cache?.length ?? 0;
  const length = pastLength + tokens.length;
  const mask = new Int32Array(tokens.batch * length).fill(1);
  for (let b = 0; b < tokens.batch; b++) {
    if (cache !== undefined) mask.set(cache.mask.subarray(b * pastLength, (b + 1) * pastLength), b * length);
    if (tokens.mask !== undefined) mask.set(tokens.mask.subarray(b * tokens.length, (b + 1) * tokens.length), b * length + pastLength);
  }
  return { hidden, cache: { batch: tokens.batch, length, layers, mask, seen } };
}

export function disposeKvCache(cache: KvCache): void {
  for (const layer of cache.layers) tf.dispose([layer.keysT, layer.values]);
}
