/**
 * The encoder interface: what turns a conversation and a candidate reply into the features the
 * networks read. Every kind has a `config` with its `kind`, recorded in each checkpoint, so that
 * acting rebuilds exactly the features training saw.
 *
 * - `hashed`: a bag of hashed words and bigrams of the whole conversation (who said what, the
 *   user's last words, the turn count). It cannot tell which answer went with which question.
 * - `dialogue`: the same bag, plus one feature row per exchange (an agent utterance and the user's
 *   reply to it, their crossing, and how long ago it was), which the network encodes one by one
 *   and pools; see dialogue.ts and the state encoder in rl/network.ts.
 *
 * @example
 * const embedder: Embedder = createEmbedder({ kind: 'dialogue', version: 1, dimension: 1024 });
 * embedder.embedExchanges?.(turns) // → one SparseVector per agent turn so far
 */
import type { SparseVector } from '../nn/sparse-layers.ts';
import type { Turn } from '../task/types.ts';

export type { SparseVector };

export type HashedEmbedderConfig = { kind: 'hashed'; version: 1; dimension: number };
export type DialogueEmbedderConfig = { kind: 'dialogue'; version: 1; dimension: number };
export type EmbedderConfig = HashedEmbedderConfig | DialogueEmbedderConfig;
export type EmbedderKind = EmbedderConfig['kind'];

export type StateEmbedder<C extends EmbedderConfig> = {
  config: C;
  dimension: number;
  /** The conversation so far as one bag of features. */
  embedState(turns: readonly Turn[]): SparseVector;
  embedAction(text: string): SparseVector;
  /** One row per exchange (agent turn and the reply to it), oldest first; only the `dialogue` kind has it. */
  embedExchanges?(turns: readonly Turn[]): SparseVector[];
};

export type Embedder = StateEmbedder<EmbedderConfig>;
