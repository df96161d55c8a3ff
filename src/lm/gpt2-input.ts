/**
 * Normalises the token ids and padding masks that GPT-2 calls accept (a [B, T] int tensor, or a
 * flat row-major array plus the batch size) into plain Int32Arrays, checked once, so the model
 * code never sees an out-of-range id (WASM's gather would silently read garbage for one).
 *
 * @example
 * const tokens = readTokens(Int32Array.of(5, 6, 0, 7), { batch: 2, attentionMask: [1, 1, 0, 1] }, 512);
 * tokens.length; // 2
 */
import * as tf from '@tensorflow/tfjs-core';
import { ReverieError } from '../errors.ts';

export class Gpt2InputError extends ReverieError {
  override readonly name = 'Gpt2InputError';
}

export type TokenIds = tf.Tensor | Int32Array | readonly number[];

export type ForwardOptions = {
  /** Rows in `ids` when it is a flat array (default 1); a [B, T] tensor says so itself. */
  batch?: number;
  /**
   * 1 for a real token, 0 for padding, laid out like `ids`. Padded keys are never attended to,
   * and position ids count real tokens only, so a left-padded row gets the same hidden states at
   * its real tokens as the unpadded sequence alone. Default: every token is real.
   */
  attentionMask?: TokenIds;
};

/** A checked batch: ids and mask row-major [batch, length]; mask undefined means all real. */
export type TokenBatch = { ids: Int32Array; batch: number; length: number; mask: Int32Array | undefined };

function flat(values: TokenIds, what: string): { data: Int32Array; rows: number | undefined } {
  if (values instanceof tf.Tensor) {
    if (values.rank !== 2) {
      throw new Gpt2InputError(`${what} tensor has shape [${values.shape}], expected [batch, length]`, {
        hint: 'Pass a 2-D int32 tensor, or a flat Int32Array with options.batch.',
      });
    }
    return { data: Int32Array.from(values.dataSync()), rows: values.shape[0] };
  }
  return { data: values instanceof Int32Array ? values : Int32Array.from(values), rows: undefined };
}

function checkIds(ids: Int32Array, vocabSize: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (id < 0 || id >= vocabSize) {
      throw new Gpt2InputError(`token id ${id} at index ${i} is outside the vocabulary [0, ${vocabSize})`, {
        hint: 'Encode text with the tokenizer that belongs to this model, or grow the model vocabulary (growVocabulary) after adding tokens.',
      });
    }
  }
}

/** Reads a 1/0 flag per token (a padding or loss mask) laid out like ids of `size` entries. */
export function readFlags(values: TokenIds, size: number, what: string): Int32Array {
  const flags = flat(values, what).data;
  if (flags.length !== size) {
    throw new Gpt2InputError(`${what} has ${flags.length} entries but ids have ${size}`, {
      hint: `Give the ${what} exactly the layout of ids: one 1 or 0 per token.`,
    });
  }
  if (flags.some((m) => m !== 0 && m !== 1)) {
    throw new Gpt2InputError(`${what} holds values other than 0 and 1`, { hint: 'Use 1 for selected (real) tokens and 0 for the others.' });
  }
  return flags;
}

/** Reads and validates ids (and the optional mask) for a model with `vocabSize` tokens. */
export function readTokens(ids: TokenIds, options: ForwardOptions, vocabSize: number): TokenBatch {
  const { data, rows } = flat(ids, 'ids');
  const batch = rows ?? options.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1 || data.length === 0 || data.length % batch !== 0) {
    throw new Gpt2InputError(`cannot split ${data.length} token ids into ${batch} equal non-empty rows`, {
      hint: 'Pass options.batch that divides the number of ids, and at least one id per row.',
    });
  }
  checkIds(data, vocabSize);
  const mask = options.attentionMask === undefined ? undefined : readFlags(options.attentionMask, data.length, 'attention mask');
  // An all-ones mask changes nothing; dropping it skips building a padding bias.
  return { ids: data, batch, length: data.length / batch, mask: mask?.every((m) => m === 1) ? undefined : mask };
}
