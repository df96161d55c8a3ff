/**
 * Flags of the `embeddings` encoder, for `train` (which model embeds the dataset) and for the
 * commands that act with a checkpoint (`eval`, `chat`, `serve`: the encoder it must have, and
 * where its model is served now). The key comes from the environment as for every model:
 * OPENAI_API_KEY, or REVERIE_API_KEY for other servers.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { EmbeddingsAccess } from '../agent/checkpoint-embedder.ts';
import { defaultEmbeddingsCacheDir } from '../agent/checkpoint-embedder.ts';
import { EncoderChoiceError, parseEncoderChoice } from '../embed/encoder-choice.ts';
import type { EncoderChoice } from '../embed/encoder-choice.ts';

export type EmbeddingsFlags = { encoder?: EncoderChoice; embeddingsBaseUrl?: string; embeddingsCacheDir?: string };

/** `--encoder` as commander parses it: a bad value is a usage error, printed with what to write. */
export const encoderChoice = (value: string): EncoderChoice => {
  try {
    return parseEncoderChoice(value);
  } catch (error) {
    if (error instanceof EncoderChoiceError) throw new InvalidArgumentError(`${error.message}. ${error.hint ?? ''}`);
    throw error;
  }
};

/** `--embeddings-base-url` and `--embeddings-cache-dir`. */
export const addEmbeddingsServerOptions = (command: Command): Command =>
  command
    .option('--embeddings-base-url <url>', 'base URL of the server of an embeddings encoder (default: the provider’s, or where it was served when the checkpoint was trained)')
    .option('--embeddings-cache-dir <dir>', `disk cache of embedding vectors (default ${defaultEmbeddingsCacheDir})`);

/** For the acting commands: `--encoder` is checked against every checkpoint, then the server flags. */
export const addActingEncoderOptions = (command: Command): Command =>
  addEmbeddingsServerOptions(
    command.option(
      '--encoder <spec>',
      'the encoder the checkpoints were trained with, refused if it is not: hashed, dialogue or embeddings:PROVIDER:MODEL (default: as recorded in each checkpoint; an embeddings model named here is the one called)',
      encoderChoice,
    ),
  );

export const embeddingsAccess = (flags: EmbeddingsFlags, signal?: AbortSignal): EmbeddingsAccess => ({
  ...(flags.encoder === undefined ? {} : { encoder: flags.encoder }),
  ...(flags.embeddingsBaseUrl === undefined ? {} : { baseURL: flags.embeddingsBaseUrl }),
  ...(flags.embeddingsCacheDir === undefined ? {} : { cacheDir: flags.embeddingsCacheDir }),
  ...(signal === undefined ? {} : { signal }),
});
