/**
 * The `embeddings` encoder: one vector per utterance from an embedding model behind an
 * OpenAI-compatible `/v1/embeddings` endpoint (through the embeddings client, which batches,
 * retries and caches on disk), composed into the features the networks read.
 *
 * Why per utterance: a conversation is a handful of utterances that recur across states (every
 * later state of a dialogue repeats its earlier turns), so embedding each utterance once costs a
 * few requests per dialogue, where embedding each state whole would cost one per turn and
 * re-embed the history every time. The features then say what an agent must act on:
 *
 * - a state is [last user utterance | last agent utterance | mean of the user's | mean of the
 *   agent's | turn count one-hot]: what was just said and to what, and the gist of each side;
 * - an action is its utterance's vector in the first block, beside the last user utterance, so
 *   the networks' wide term (Σ u_d x_s[d] x_a[d]) weighs how a reply relates to what the user
 *   just said, as it weighs shared words for the hashed kinds;
 * - an exchange row (one per agent turn, as the `dialogue` kind has) is [the user's reply | the
 *   agent's utterance | · | · | exchanges ago one-hot]: the network encodes each row on its own and
 *   pools them, so it reads which answer went with which question, which means cannot.
 *
 * The methods stay synchronous, like the other kinds': `prepare` fetches every text the table
 * lacks first, and embedding a text that was not prepared is an error, not a quiet zero.
 *
 * @example
 * const embedder = await openEmbeddingsEmbedder({ client, texts: utterancesOf(dialogues) });
 * await embedder.prepare(turns.map((turn) => turn.text), { signal });
 * embedder.embedState(turns); // → 4 · dimension + 16 features
 */
import { ReverieError } from '../errors.ts';
import type { EmbeddingClient } from '../llm/embeddings.ts';
import { formatModelRef } from '../llm/model-ref.ts';
import type { Turn } from '../task/types.ts';
import { createProgress } from '../util/progress.ts';
import type { EmbeddingsEmbedderConfig, SparseVector, StateEmbedder } from './embedder.ts';

/** Turn counts (and exchanges ago) from this many on share the last slot. */
const positions = 16;
const blocks = 4;
/** Texts per call to the client while preparing: the unit of progress. */
const chunkSize = 512;

/** The feature width for vectors of `dimension`. */
export const embeddingsFeatureWidth = (dimension: number): number => blocks * dimension + positions;

export class EmbeddingSizeError extends ReverieError {
  override readonly name = 'EmbeddingSizeError';
  readonly model: string;
  readonly expected: number;
  readonly received: number;

  constructor(model: string, expected: number, received: number) {
    super(`${model} returned vectors of ${received} numbers, and this encoder reads ${expected} (the size it was trained with)`, {
      hint: `Serve the model the checkpoint was trained with (${model}, ${expected}-number vectors), or train again with this server's model.`,
    });
    this.model = model;
    this.expected = expected;
    this.received = received;
  }
}

export class EmbeddingNotPreparedError extends ReverieError {
  override readonly name = 'EmbeddingNotPreparedError';
}

export type EmbeddingsEmbedder = Required<Omit<StateEmbedder<EmbeddingsEmbedderConfig>, 'prepare'>> & {
  prepare(texts: readonly string[], options?: { signal?: AbortSignal | undefined; progress?: NodeJS.WritableStream & { isTTY?: boolean } }): Promise<void>;
  /** Texts whose vectors the table holds. */
  size(): number;
};

export type OpenEmbeddingsOptions = {
  client: EmbeddingClient;
  /** The first texts to prepare (a dataset's utterances, a checkpoint's library); at least one unless `dimension` is given. */
  texts: readonly string[];
  /** The vector size the networks were trained on; vectors of any other size are refused. Default: the first vector's. */
  dimension?: number | undefined;
  /** Recorded in the config as where the model was served. */
  baseURL?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Where a progress line goes while preparing more than one chunk of texts. */
  progress?: (NodeJS.WritableStream & { isTTY?: boolean }) | undefined;
};

/** Every utterance of some dialogues, each once: what training must prepare. */
export const utterancesOf = (dialogues: readonly { turns: readonly Turn[] }[]): string[] => [...new Set(dialogues.flatMap((dialogue) => dialogue.turns.map((turn) => turn.text)))];

/** Blank text has no meaning to fetch (and servers refuse empty input): it adds nothing. */
const isBlank = (text: string): boolean => text.trim() === '';

export const openEmbeddingsEmbedder = async (options: OpenEmbeddingsOptions): Promise<EmbeddingsEmbedder> => {
  const { client } = options;
  const model = formatModelRef(client.model);
  const table = new Map<string, Float32Array>();
  let size = options.dimension;

  const fetchVectors = async (texts: readonly string[], signal: AbortSignal | undefined): Promise<void> => {
    const vectors = await client.embed(texts, { signal });
    vectors.forEach((vector, at) => {
      size ??= vector.length;
      if (vector.length !== size) throw new EmbeddingSizeError(model, size, vector.length);
      table.set(texts[at] as string, Float32Array.from(vector));
    });
  };

  const prepare: EmbeddingsEmbedder['prepare'] = async (texts, prepareOptions = {}) => {
    const missing = [...new Set(texts)].filter((text) => !isBlank(text) && !table.has(text));
    const progress = prepareOptions.progress !== undefined && missing.length > chunkSize ? createProgress({ label: `embed ${model}`, total: missing.length, stream: prepareOptions.progress }) : undefined;
    for (let start = 0; start < missing.length; start += chunkSize) {
      const chunk = missing.slice(start, start + chunkSize);
      await fetchVectors(chunk, prepareOptions.signal);
      progress?.tick(chunk.length);
    }
    progress?.done();
  };

  await prepare(options.texts, { signal: options.signal, ...(options.progress === undefined ? {} : { progress: options.progress }) });
  if (size === undefined) {
    throw new ReverieError(`cannot learn the vector size of ${model}: there was no text to embed`, { hint: 'Give the encoder some non-blank texts, or the vector size the model was trained with.' });
  }
  const dimension = size;
  const width = embeddingsFeatureWidth(dimension);
  // Dense rows carry every index, zeros included: a zero here is a value, not a missing feature.
  const everyIndex = Int32Array.from({ length: width }, (_, at) => at);
  const firstBlock = everyIndex.subarray(0, dimension);

  const vectorOf = (text: string): Float32Array | undefined => {
    if (isBlank(text)) return undefined;
    const vector = table.get(text);
    if (vector === undefined) {
      throw new EmbeddingNotPreparedError(`no ${model} vector for ${JSON.stringify(text.slice(0, 60))}: it was not prepared`, { hint: 'Await embedder.prepare(texts) with every text before embedding it.' });
    }
    return vector;
  };
  const put = (into: Float32Array, block: number, vector: Float32Array | undefined, scale = 1): void => {
    if (vector === undefined) return;
    for (let at = 0; at < dimension; at += 1) into[block * dimension + at] = (into[block * dimension + at] as number) + (vector[at] as number) * scale;
  };
  const position = (into: Float32Array, count: number): void => {
    into[blocks * dimension + Math.min(count, positions - 1)] = 1;
  };
  const mean = (into: Float32Array, block: number, texts: readonly string[]): void => {
    const vectors = texts.map(vectorOf).filter((vector) => vector !== undefined);
    for (const vector of vectors) put(into, block, vector, 1 / vectors.length);
  };

  return {
    config: { kind: 'embeddings', version: 1, model, dimension, ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }) },
    dimension: width,
    prepare,
    size: () => table.size,
    embedState(turns) {
      const features = new Float32Array(width);
      const user = turns.filter((turn) => turn.role === 'user').map((turn) => turn.text);
      const agent = turns.filter((turn) => turn.role === 'agent').map((turn) => turn.text);
      put(features, 0, vectorOf(user.at(-1) ?? ''));
      put(features, 1, vectorOf(agent.at(-1) ?? ''));
      mean(features, 2, user);
      mean(features, 3, agent);
      position(features, agent.length);
      return { indices: everyIndex, values: features };
    },
    embedAction(text) {
      // Only the first block can be non-zero, so only its indices are stored.
      return { indices: firstBlock, values: Float32Array.from(vectorOf(text) ?? new Float32Array(dimension)) };
    },
    embedExchanges(turns) {
      const agentAt = turns.flatMap((turn, at) => (turn.role === 'agent' ? [at] : []));
      return agentAt.map((at, i): SparseVector => {
        const features = new Float32Array(width);
        const reply = turns[at + 1];
        put(features, 0, reply?.role === 'user' ? vectorOf(reply.text) : undefined);
        put(features, 1, vectorOf(turns[at]?.text ?? ''));
        position(features, agentAt.length - 1 - i);
        return { indices: everyIndex, values: features };
      });
    },
  };
};
