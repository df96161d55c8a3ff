/**
 * The encoder a command line names: `hashed`, `dialogue`, or `embeddings:PROVIDER:MODEL` (the
 * model as `--model` takes it, e.g. `embeddings:ollama:nomic-embed-text`). The model stays text
 * until a base URL is known, because `openai-compatible:` models need one to be a reference.
 *
 * @example
 * parseEncoderChoice('embeddings:openai:text-embedding-3-small'); // → { kind: 'embeddings', model: 'openai:text-embedding-3-small' }
 * parseEncoderChoice('dialogue');                                 // → { kind: 'dialogue' }
 */
import { ReverieError } from '../errors.ts';
import type { OfflineEmbedderKind } from './embedder.ts';

export type EncoderChoice = { kind: OfflineEmbedderKind } | { kind: 'embeddings'; model: string };

export class EncoderChoiceError extends ReverieError {
  override readonly name = 'EncoderChoiceError';
}

const usage = 'Write hashed, dialogue or embeddings:PROVIDER:MODEL (e.g. embeddings:openai:text-embedding-3-small, embeddings:ollama:nomic-embed-text).';

export const parseEncoderChoice = (text: string): EncoderChoice => {
  const trimmed = text.trim();
  if (trimmed === 'hashed' || trimmed === 'dialogue') return { kind: trimmed };
  if (trimmed.startsWith('embeddings:')) {
    const model = trimmed.slice('embeddings:'.length).trim();
    if (!model.includes(':')) throw new EncoderChoiceError(`encoder "${text}" names no provider:model after "embeddings:"`, { hint: usage });
    return { kind: 'embeddings', model };
  }
  if (trimmed === 'embeddings') throw new EncoderChoiceError('the embeddings encoder needs its model: embeddings:PROVIDER:MODEL', { hint: usage });
  throw new EncoderChoiceError(`unknown encoder "${text}"`, { hint: usage });
};

/** As the error messages say it. */
export const describeEncoderChoice = (choice: EncoderChoice): string => (choice.kind === 'embeddings' ? `embeddings, ${choice.model}` : choice.kind);
