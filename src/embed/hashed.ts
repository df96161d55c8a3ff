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
import { rememberedUpTo } from '../util/memo.ts';
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

/** The hashed feature indices one turn adds to each block of a state's bag. */
type TurnIndices = { history: Int32Array; user: Int32Array; last: Int32Array };

const hashedIndices = (features: readonly string[], dimension: number): Int32Array => Int32Array.from(features, (feature) => hashString(feature) % dimension);

const turnIndices = (turn: Turn, dimension: number): TurnIndices => {
  const grams = ngrams(tokenize(turn.text));
  const user = turn.role === 'user';
  return {
    history: hashedIndices(grams.map((gram) => `${user ? 'u' : 'a'}:${gram}`), dimension),
    user: user ? hashedIndices(grams, dimension) : new Int32Array(0),
    last: user ? hashedIndices(grams.map((gram) => `l:${gram}`), dimension) : new Int32Array(0),
  };
};

/**
 * A state's bag built on dense scratch arrays: each block adds log(1 + count) of every index its
 * lists hold, as addBlock does for features not yet hashed, in the same order, so the sums are the
 * same to the last bit. States are embedded a hundred thousand times per dataset; Maps made this
 * the slowest part of preparing one.
 */
const createBagBuilder = (dimension: number) => {
  const counts = new Int32Array(dimension);
  const sums = new Float64Array(dimension);
  const present = new Uint8Array(dimension);
  const touched: number[] = [];
  const block: number[] = [];
  return {
    add(lists: readonly Int32Array[]): void {
      for (const list of lists) {
        for (const index of list) {
          if (counts[index] === 0) block.push(index);
          counts[index] = (counts[index] as number) + 1;
        }
      }
      for (const index of block) {
        if (present[index] === 0) {
          present[index] = 1;
          touched.push(index);
        }
        sums[index] = (sums[index] as number) + Math.log1p(counts[index] as number);
        counts[index] = 0;
      }
      block.length = 0;
    },
    /** The bag as a sparse vector, indices ascending; the builder is empty again afterwards. */
    take(): SparseVector {
      const indices = new Int32Array(touched.length);
      for (let i = 0; i < touched.length; i += 1) indices[i] = touched[i] as number;
      indices.sort();
      const values = new Float32Array(indices.length);
      for (let i = 0; i < indices.length; i += 1) {
        const index = indices[i] as number;
        values[i] = sums[index] as number;
        sums[index] = 0;
        present[index] = 0;
      }
      touched.length = 0;
      return { indices, values };
    },
  };
};

/**
 * Turns kept per embedder, hashed: every later state of a dialogue holds its earlier turns again,
 * and imagined data repeats the same lines across thousands of dialogues, so training embeds each
 * distinct turn once. The cap bounds an agent that meets free text for a long time.
 */
const turnCacheLimit = 200_000;

export const createHashedEmbedder = ({ dimension }: { dimension: number }): StateEmbedder<HashedEmbedderConfig> => {
  checkDimension(dimension);
  const remember = rememberedUpTo<TurnIndices>(turnCacheLimit);
  const indicesOf = (turn: Turn): TurnIndices => remember(`${turn.role}\u0000${turn.text}`, () => turnIndices(turn, dimension));
  const bag = createBagBuilder(dimension);
  const turnCount = (agentTurns: number): Int32Array => hashedIndices([`turns:${agentTurns}`], dimension);
  return {
    config: { kind: 'hashed', version: 1, dimension },
    dimension,
    embedState(conversation) {
      const each = conversation.map(indicesOf);
      bag.add(each.map((turn) => turn.history));
      bag.add(each.map((turn) => turn.user));
      const lastUser = conversation.findLastIndex((turn) => turn.role === 'user');
      if (lastUser >= 0) bag.add([(each[lastUser] as TurnIndices).last]);
      bag.add([turnCount(conversation.filter((turn) => turn.role === 'agent').length)]);
      return bag.take();
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
