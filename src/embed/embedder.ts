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
 * - `embeddings`: vectors of each utterance from a model behind an OpenAI-compatible
 *   `/v1/embeddings` endpoint, composed into states and exchange rows (see embeddings.ts). Its
 *   methods stay synchronous: `prepare` fetches the vectors of given texts first.
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
/**
 * `model` is the `provider:model` reference (formatModelRef) and `dimension` the length of its
 * vectors, which the networks read four times over (see embeddings.ts). `baseURL` is where the
 * model was served when training, the default address when acting.
 */
export type EmbeddingsEmbedderConfig = { kind: 'embeddings'; version: 1; model: string; dimension: number; baseURL?: string | undefined };
export type EmbedderConfig = HashedEmbedderConfig | DialogueEmbedderConfig | EmbeddingsEmbedderConfig;
export type EmbedderKind = EmbedderConfig['kind'];
/** The kinds that need no model: built from their config alone. */
export type OfflineEmbedderKind = Exclude<EmbedderKind, 'embeddings'>;

export type StateEmbedder<C extends EmbedderConfig> = {
  config: C;
  /** The width of the feature vectors the networks read. */
  dimension: number;
  /** The conversation so far as one bag of features. */
  embedState(turns: readonly Turn[]): SparseVector;
  embedAction(text: string): SparseVector;
  /** One row per exchange (agent turn and the reply to it), oldest first; only the `dialogue` kind has it. */
  embedExchanges?(turns: readonly Turn[]): SparseVector[];
  /**
   * Makes the texts embeddable before the synchronous methods meet them; only the `embeddings`
   * kind has it (it fetches what its table lacks). Callers await it with every text they will embed.
   */
  prepare?(texts: readonly string[], options?: { signal?: AbortSignal | undefined }): Promise<void>;
};

export type Embedder = StateEmbedder<EmbedderConfig>;
