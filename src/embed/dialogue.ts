/**
 * The dialogue embedder: the hashed bag of the whole conversation, plus one feature row per
 * exchange — an agent utterance and the user's reply to it. A row holds the utterance's words
 * (`q:`), the reply's words (`r:`), each utterance word crossed with the reply's first word
 * (`x:yes|europe`, so "Is it in Europe?" "Yes." differs from "Is it in Europe?" "No."), and how
 * many exchanges ago it happened. The network encodes each row on its own and pools them, so it
 * sees which answer went with which question, in what order, and what it already said.
 *
 * @example
 * const embedder = createDialogueEmbedder({ dimension: 1024 });
 * embedder.embedExchanges(turns).length // → the number of agent turns in `turns`
 */
import type { Turn } from '../task/types.ts';
import { rememberedUpTo } from '../util/memo.ts';
import type { DialogueEmbedderConfig, SparseVector, StateEmbedder } from './embedder.ts';
import { addBlock, checkDimension, createHashedEmbedder, ngrams, tokenize, toSparse } from './hashed.ts';

/** Exchanges further back than this share one "long ago" feature. */
const horizon = 8;

/** The feature row of one exchange; `reply` is absent for an utterance not yet answered. */
export const exchangeFeatures = (utterance: string, reply: string | undefined, ago: number, dimension: number): SparseVector => {
  const features = new Map<number, number>();
  const said = tokenize(utterance);
  const answer = reply === undefined ? [] : tokenize(reply);
  const opener = answer[0] ?? 'unanswered';
  addBlock(features, ngrams(said).map((gram) => `q:${gram}`), dimension, 1);
  addBlock(features, ngrams(answer).map((gram) => `r:${gram}`), dimension, 1);
  addBlock(features, said.map((word) => `x:${opener}|${word}`), dimension, 1);
  addBlock(features, [`ago:${Math.min(ago, horizon)}`], dimension, 1);
  return toSparse(features);
};

/**
 * Exchange rows kept per embedder: every later state of a dialogue holds its earlier exchanges
 * again, and scripted data repeats the same question and answer across thousands of dialogues,
 * so a dataset's rows are mostly the same few thousand. Sharing them keeps a 20,000-dialogue
 * dataset in memory; the cap bounds an agent that meets free text for a long time.
 */
const rowCacheLimit = 200_000;

export const createDialogueEmbedder = ({ dimension }: { dimension: number }): Required<Omit<StateEmbedder<DialogueEmbedderConfig>, 'prepare'>> => {
  checkDimension(dimension);
  const bag = createHashedEmbedder({ dimension });
  const remember = rememberedUpTo<SparseVector>(rowCacheLimit);
  const row = (utterance: string, reply: string | undefined, ago: number): SparseVector =>
    remember(`${Math.min(ago, horizon)}\u0000${utterance}\u0000${reply ?? '\u0001'}`, () => exchangeFeatures(utterance, reply, ago, dimension));
  return {
    config: { kind: 'dialogue', version: 1, dimension },
    dimension,
    embedState: bag.embedState,
    embedAction: bag.embedAction,
    embedExchanges(turns) {
      const agentAt = turns.flatMap((turn, at) => (turn.role === 'agent' ? [at] : []));
      return agentAt.map((at, i) => {
        const reply = turns[at + 1];
        return row(turns[at]?.text ?? '', reply?.role === 'user' ? reply.text : undefined, agentAt.length - 1 - i);
      });
    },
  };
};
