/**
 * The offline text embedder: hashed word unigrams and bigrams, no model needed. A state
 * (the conversation so far) keeps who said what (`u:`/`a:` prefixes), the user's last words
 * apart (`l:`), and how many agent turns have passed, because those are what an agent must
 * act on; an action is the utterance alone.
 *
 * @example
 * const embedder = createHashedEmbedder({ dimension: 1024 });
 * embedder.embedState(turns) // → SparseVector of log(1 + count) features
 */
import type { Turn } from '../task/types.ts';
import { hashString } from '../util/rng.ts';

import type { HashedEmbedderConfig, SparseVector, StateEmbedder } from './embedder.ts';

export type { Embedder, EmbedderConfig, HashedEmbedderConfig, SparseVector } from './embedder.ts';

export const tokenize = (text: string): string[] => text.toLowerCase().match(/[a-z0-9]+(?:['-][a-z0-9]+)*/g) ?? [];

export const ngrams = (tokens: readonly string[]): string[] => [...tokens, ...tokens.slice(1).map((token, index) => `${tokens[index]} ${token}`)];

/**
 * Adds log(1 + count) features of one block. Blocks are not normalised: a feature present once
 * is worth log 2 whatever the length of the text, which keeps first-layer activations and the
 * wide term's products at a scale that trains quickly.
 */
export const addBlock = (into: Map<number, number>, features: readonly string[], dimension: number, weight: number): void => {
  if (features.length === 0) return;
  const counts = new Map<number, number>();
  for (const feature of features) {
    const index = hashString(feature) % dimension;
    counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  for (const [index, count] of counts) into.set(index, (into.get(index) ?? 0) + Math.log1p(count) * weight);
};

export const toSparse = (features: Map<number, number>): SparseVector => {
  const indices = Int32Array.from([...features.keys()].sort((a, b) => a - b));
  return { indices, values: Float32Array.from(indices, (index) => features.get(index) ?? 0) };
};

export const checkDimension = (dimension: number): void => {
  if (!Number.isInteger(dimension) || dimension < 16) throw new RangeError(`embedding dimension must be an integer ≥ 16, got ${dimension}`);
};

export const createHashedEmbedder = ({ dimension }: { dimension: number }): StateEmbedder<HashedEmbedderConfig> => {
  checkDimension(dimension);
  return {
    config: { kind: 'hashed', version: 1, dimension },
    dimension,
    embedState(turns) {
      const features = new Map<number, number>();
      const history = turns.flatMap((turn) => ngrams(tokenize(turn.text)).map((gram) => `${turn.role === 'user' ? 'u' : 'a'}:${gram}`));
      addBlock(features, history, dimension, 1);
      addBlock(features, turns.filter((turn) => turn.role === 'user').flatMap((turn) => ngrams(tokenize(turn.text))), dimension, 1);
      const lastUser = turns.findLast((turn) => turn.role === 'user');
      if (lastUser !== undefined) addBlock(features, ngrams(tokenize(lastUser.text)).map((gram) => `l:${gram}`), dimension, 1);
      const agentTurns = turns.filter((turn) => turn.role === 'agent').length;
      addBlock(features, [`turns:${agentTurns}`], dimension, 1);
      return toSparse(features);
    },
    embedAction(text) {
      const features = new Map<number, number>();
      addBlock(features, ngrams(tokenize(text)), dimension, 1);
      return toSparse(features);
    },
  };
};

/** Writes sparse rows into a dense row-major matrix, for a batch of network inputs. */
export const densify = (rows: readonly SparseVector[], dimension: number): Float32Array => {
  const dense = new Float32Array(rows.length * dimension);
  rows.forEach((row, r) => row.indices.forEach((index, i) => (dense[r * dimension + index] = row.values[i] ?? 0)));
  return dense;
};
