/**
 * Answered words: for each word (and bigram) the agent has said, how the user replied to the
 * utterance that held it. A candidate that offers again what the user turned down ("hiking"
 * after "Hmm, not really my thing"), or guesses a country in a region the user ruled out, shares
 * its words with an utterance that got a "no"; the network weighs each such (reply, word) pair
 * against the candidate's own words (see nn/pair-layers.ts), so the prior and Q can learn that
 * a word answered "no" should not come back, whatever the task's words are.
 *
 * A reply is read two ways: its first word ("yes", "hmm", "none") and its polarity (negative if
 * it has a negation such as "not", "no", "none" or "isn't"). Each of an utterance's n-grams gets
 * both tags; a pair is the n-gram's feature index (the one `embedAction` gives it, so it meets the
 * candidate's) and the hashed index of the tag with the n-gram, which picks the learned weight.
 *
 * @example
 * const index = createAnsweredIndex(1024);
 * index.ofState(turns) // → one AnsweredPairs per exchange the user has answered
 */
import type { Turn } from '../task/types.ts';
import { rememberedUpTo } from '../util/memo.ts';
import { hashString } from '../util/rng.ts';
import { ngrams, tokenize } from './hashed.ts';

/**
 * How many weights the (reply tag, n-gram) pairs hash into. Wider than the features: a tag
 * multiplies the n-grams, and each weight is one number per head, so collisions cost more than width.
 */
export const answeredWidth = 16_384;

/** Parallel arrays: the n-gram's feature index and the weight index of (reply tag, n-gram). */
export type AnsweredPairs = { words: Int32Array; tags: Int32Array };

const negations = new Set(['no', 'not', 'none', 'never', 'nothing', 'nope', 'neither', 'nor']);

/** The tags a reply gives the words it answers: its first word, and its polarity. */
export const replyTags = (reply: string): string[] => {
  const tokens = tokenize(reply);
  const negative = tokens.some((token) => negations.has(token) || token.endsWith("n't"));
  return [`first:${tokens[0] ?? ''}`, negative ? 'polarity:negative' : 'polarity:positive'];
};

export const answeredPairs = (utterance: string, reply: string, dimension: number): AnsweredPairs => {
  const grams = [...new Set(ngrams(tokenize(utterance)))];
  const tags = replyTags(reply);
  const words: number[] = [];
  const weights: number[] = [];
  for (const gram of grams) {
    const word = hashString(gram) % dimension;
    for (const tag of tags) {
      words.push(word);
      weights.push(hashString(`${tag}|${gram}`) % answeredWidth);
    }
  }
  return { words: Int32Array.from(words), tags: Int32Array.from(weights) };
};

/**
 * Imagined data repeats the same utterance and reply across thousands of dialogues, so pairs are
 * kept per distinct exchange; the cap bounds an agent that meets free text for a long time.
 */
const cacheLimit = 200_000;

export type AnsweredIndex = { dimension: number; ofState: (turns: readonly Turn[]) => AnsweredPairs[] };

export const createAnsweredIndex = (dimension: number): AnsweredIndex => {
  const remember = rememberedUpTo<AnsweredPairs>(cacheLimit);
  const pairs = (utterance: string, reply: string): AnsweredPairs => remember(`${utterance}\u0000${reply}`, () => answeredPairs(utterance, reply, dimension));
  return {
    dimension,
    ofState: (turns) =>
      turns.flatMap((turn, at) => {
        const reply = turns[at + 1];
        return turn.role === 'agent' && reply?.role === 'user' ? [pairs(turn.text, reply.text)] : [];
      }),
  };
};
