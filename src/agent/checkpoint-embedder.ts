/**
 * The embedder a loaded checkpoint acts with. `hashed` and `dialogue` are built from the config
 * alone; an `embeddings` checkpoint needs its model's server: the client is made from the model
 * the checkpoint recorded (provider:model), at the base URL the caller gives or else the one
 * recorded when training, with the key from the environment as every LLM call takes it, and the
 * checkpoint's utterance library is embedded before the agent is built.
 *
 * An encoder the caller names (`--encoder`) must be the one the checkpoint was trained with, and
 * a server whose vectors have another size is refused (EmbeddingSizeError): features from another
 * model would be read by networks that never saw them.
 *
 * @example
 * const embedder = await checkpointEmbedder(checkpoint.config.embedder, checkpoint.library, { baseURL: 'http://127.0.0.1:11434/v1' }, dir);
 */
import { join } from 'node:path';
import { createEmbedder } from '../embed/create.ts';
import type { Embedder, EmbedderConfig } from '../embed/embedder.ts';
import { openEmbeddingsEmbedder } from '../embed/embeddings.ts';
import type { EncoderChoice } from '../embed/encoder-choice.ts';
import { describeEncoderChoice } from '../embed/encoder-choice.ts';
import { createEmbeddingClient } from '../llm/embeddings.ts';
import { formatModelRef, parseModelRef } from '../llm/model-ref.ts';
import { EmbedderMismatchError } from './checkpoint-agent.ts';

export type EmbeddingsAccess = {
  /** The encoder the caller asks for; it must be the checkpoint's. An embeddings model here is also the one called. */
  encoder?: EncoderChoice | undefined;
  /** The embedding server's base URL; default: where the model was served when training. */
  baseURL?: string | undefined;
  /** The disk cache of vectors (default .reverie-cache/embeddings). */
  cacheDir?: string | undefined;
  /** Where API keys are read (default process.env). */
  env?: NodeJS.ProcessEnv | undefined;
  signal?: AbortSignal | undefined;
};

export const defaultEmbeddingsCacheDir = join('.reverie-cache', 'embeddings');

export const checkpointEmbedder = async (trained: EmbedderConfig, library: readonly string[], access: EmbeddingsAccess, where: string): Promise<Embedder> => {
  const asked = access.encoder;
  if (asked !== undefined && asked.kind !== trained.kind) throw new EmbedderMismatchError(trained, describeEncoderChoice(asked), where);
  if (trained.kind !== 'embeddings') return createEmbedder(trained);
  const baseURL = access.baseURL ?? trained.baseURL;
  const ref = parseModelRef(asked?.kind === 'embeddings' ? asked.model : trained.model, baseURL === undefined ? {} : { baseURL });
  if (formatModelRef(ref) !== trained.model) throw new EmbedderMismatchError(trained, `embeddings v1, ${formatModelRef(ref)}`, where);
  const client = createEmbeddingClient({ model: ref, cacheDir: access.cacheDir ?? defaultEmbeddingsCacheDir, ...(access.env === undefined ? {} : { env: access.env }) });
  return openEmbeddingsEmbedder({ client, texts: library, dimension: trained.dimension, baseURL: trained.baseURL, signal: access.signal });
};
