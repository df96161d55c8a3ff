/**
 * Builds an embedder from the config a checkpoint recorded, and reads such configs from disk. An
 * unknown kind is refused by name: a checkpoint written by a newer Reverie must not be acted on
 * with features it was not trained on.
 *
 * @example
 * const embedder = createEmbedder(checkpoint.config.embedder);
 */
import { z } from 'zod';
import { ReverieError } from '../errors.ts';
import { createDialogueEmbedder } from './dialogue.ts';
import type { Embedder, EmbedderConfig, EmbedderKind } from './embedder.ts';
import { createHashedEmbedder } from './hashed.ts';

export const embedderKinds: readonly EmbedderKind[] = ['hashed', 'dialogue'];

export const embedderConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hashed'), version: z.literal(1), dimension: z.number().int().min(16) }),
  z.object({ kind: z.literal('dialogue'), version: z.literal(1), dimension: z.number().int().min(16) }),
]);

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
    default: {
      const kind = (config as { kind: unknown }).kind;
      throw new UnknownEmbedderError(`unknown encoder kind ${JSON.stringify(kind)}`, { hint: `Known kinds: ${embedderKinds.join(', ')}. Train the model again with this version of Reverie.` });
    }
  }
};
