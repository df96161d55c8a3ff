/**
 * Builds an embedder from the config a checkpoint recorded, and reads such configs from disk. An
 * unknown kind is refused by name: a checkpoint written by a newer Reverie must not be acted on
 * with features it was not trained on. The `embeddings` kind needs a client and an async step to
 * fetch vectors, so it is opened with `openEmbeddingsEmbedder` (embeddings.ts), not built here.
 *
 * @example
 * const embedder = createEmbedder(checkpoint.config.embedder);
 */
import { z } from 'zod';
import { ReverieError } from '../errors.ts';
import { createDialogueEmbedder } from './dialogue.ts';
import type { Embedder, EmbedderConfig, EmbedderKind, OfflineEmbedderKind } from './embedder.ts';
import { embeddingsFeatureWidth } from './embeddings.ts';
import { createHashedEmbedder } from './hashed.ts';

export const embedderKinds: readonly EmbedderKind[] = ['hashed', 'dialogue', 'embeddings'];
export const offlineEmbedderKinds: readonly OfflineEmbedderKind[] = ['hashed', 'dialogue'];

export const embedderConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hashed'), version: z.literal(1), dimension: z.number().int().min(16) }),
  z.object({ kind: z.literal('dialogue'), version: z.literal(1), dimension: z.number().int().min(16) }),
  z.object({ kind: z.literal('embeddings'), version: z.literal(1), model: z.string().min(3), dimension: z.number().int().min(1), baseURL: z.string().optional() }),
]);

/** The width of the features the networks read (the `embeddings` kind reads each vector four times over). */
export const featureWidth = (config: EmbedderConfig): number => (config.kind === 'embeddings' ? embeddingsFeatureWidth(config.dimension) : config.dimension);

/** Whether the state encoder also reads one row per exchange. */
export const readsExchanges = (config: EmbedderConfig): boolean => config.kind === 'dialogue' || config.kind === 'embeddings';

/** `hashed v1, dimension 1024`; `embeddings v1, openai:text-embedding-3-small, 1536-number vectors`. */
export const describeEmbedder = (config: EmbedderConfig): string =>
  config.kind === 'embeddings' ? `${config.kind} v${config.version}, ${config.model}, ${config.dimension}-number vectors` : `${config.kind} v${config.version}, dimension ${config.dimension}`;

/** Same features: kind, version and dimension, and for `embeddings` the model (not where it is served). */
export const sameEmbedder = (a: EmbedderConfig, b: EmbedderConfig): boolean =>
  a.kind === b.kind && a.version === b.version && a.dimension === b.dimension && (a.kind !== 'embeddings' || b.kind !== 'embeddings' || a.model === b.model);

export class EmbeddingsClientRequiredError extends ReverieError {
  override readonly name = 'EmbeddingsClientRequiredError';
}

export class UnknownEmbedderError extends ReverieError {
  override readonly name = 'UnknownEmbedderError';
}

/** The kind named in `value`, if it is an object with a string `kind` this Reverie does not know. */
export const unknownEmbedderKind = (value: unknown): string | undefined => {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && !(embedderKinds as readonly string[]).includes(kind) ? kind : undefined;
};

export const createEmbedder = (config: EmbedderConfig): Embedder => {
  switch (config.kind) {
    case 'hashed':
      return createHashedEmbedder({ dimension: config.dimension });
    case 'dialogue':
      return createDialogueEmbedder({ dimension: config.dimension });
    case 'embeddings':
      throw new EmbeddingsClientRequiredError(`the ${config.model} embeddings encoder needs a client for its server`, {
        hint: 'Open it with openEmbeddingsEmbedder({ client, texts }), or load the checkpoint through buildAgent, which makes the client from the recorded model.',
      });
    default: {
      const kind = (config as { kind: unknown }).kind;
      throw new UnknownEmbedderError(`unknown encoder kind ${JSON.stringify(kind)}`, { hint: `Known kinds: ${embedderKinds.join(', ')}. Train the model again with this version of Reverie.` });
    }
  }
};
