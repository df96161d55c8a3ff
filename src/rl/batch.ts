/**
 * Training data as the networks read it: every transition embedded once up front, then each
 * step a random batch of sparse feature rows. A batch's candidates are the distinct
 * utterances its rows took, so the behaviour model's softmax runs over them.
 *
 * @example
 * const data = prepareTransitions(dialogues, embedder, 'ilql');
 * const batch = sampleBatch(data, { batchSize: 128, inputDropout: 0.5, negatives: 0, values: true }, embedder.dimension, rng);
 * disposeBatch(batch);
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dialogue } from '../data/dialogue.ts';
import { toTransitions } from '../data/transitions.ts';
import type { Transition } from '../data/transitions.ts';
import type { Turn } from '../task/types.ts';
import type { Embedder, SparseVector } from '../embed/hashed.ts';
import { ReverieError } from '../errors.ts';
import type { Rng } from '../util/rng.ts';
import { evidenceSums, exchangeRows } from './exchange-rows.ts';
import type { ExchangeRows } from './exchange-rows.ts';
import { createRowsBuilder, dropSparse, selectRows, sparseRows } from '../nn/sparse-layers.ts';
import type { SparseRows } from '../nn/sparse-layers.ts';
import { pairRows } from '../nn/pair-layers.ts';
import type { PairRows } from '../nn/pair-layers.ts';
import { answeredWidth } from '../embed/answered.ts';
import type { AnsweredIndex } from '../embed/answered.ts';
import type { EvidenceIndex } from '../embed/evidence.ts';
import { noAnswer, replyAnswer } from './answers.ts';

export class EmptyTrainingSetError extends ReverieError {
  override readonly name = 'EmptyTrainingSetError';
}

/**
 * G_t = r_t + γ·G_{t+1} within each dialogue, the Monte-Carlo return-to-go of every transition
 * (transitions of a dialogue are consecutive and in order, its last one done).
 */
export const returnsToGo = (transitions: readonly Transition[], gamma: number): Float32Array => {
  const returns = new Float32Array(transitions.length);
  let following = 0;
  for (let i = transitions.length - 1; i >= 0; i -= 1) {
    const transition = transitions[i] as Transition;
    following = transition.reward + (transition.done ? 0 : gamma * following);
    returns[i] = following;
  }
  return returns;
};

/**
 * Only successful dialogues for filtered BC; every dialogue otherwise. `answered`: also keep each
 * state's answered pairs (see embed/answered.ts), for a network that reads them; `evidence`: each
 * state's answer evidence (see embed/evidence.ts), for a belief that reads it, and each next
 * state's too with `evidenceOfNext` (only V reads next states, and only a V that reads the belief
 * needs it).
 */
export const prepareTransitions = (
  dialogues: readonly Dialogue[],
  embedder: Embedder,
  filter: 'all' | 'successes',
  gamma = 1,
  { answered, evidence, evidenceOfNext = true }: { answered?: AnsweredIndex | undefined; evidence?: EvidenceIndex | undefined; evidenceOfNext?: boolean } = {},
) => {
  const kept = filter === 'successes' ? dialogues.filter((dialogue) => dialogue.success) : dialogues;
  const transitions = toTransitions(kept);
  if (transitions.length === 0) {
    throw new EmptyTrainingSetError(`no agent turns to learn from in ${dialogues.length} dialogues${filter === 'successes' ? ' (filtered BC keeps successful dialogues only)' : ''}`, {
      hint: 'Imagine more dialogues, or check that the dataset has agent turns and successes.',
    });
  }
  const libraryIndex = new Map<string, number>();
  for (const transition of transitions) if (!libraryIndex.has(transition.action)) libraryIndex.set(transition.action, libraryIndex.size);
  const library = [...libraryIndex.keys()];
  const exchanges = embedder.embedExchanges?.bind(embedder);
  const rows = createRowsBuilder(embedder.dimension);
  for (const transition of transitions) rows.push(embedder.embedState(transition.state));
  const stateExchanges = exchanges === undefined ? undefined : transitions.map((transition) => exchanges(transition.state));
  // A transition's next state is the following transition's state: share its features rather
  // than embed it again (with 20,000 dialogues, copies took gigabytes and slowed every step).
  const following = transitions.map((transition, at): number | undefined => {
    const next = transitions[at + 1];
    return transition.next !== undefined && next?.dialogue === transition.dialogue && next.state.length === transition.next.length ? at + 1 : undefined;
  });
  let blank: number | undefined;
  /** The row of each transition's next state: the following state's where it is that state, else one more row; a blank row after the last. */
  const next = Int32Array.from(transitions, (transition, at) => {
    if (transition.next === undefined) return (blank ??= rows.push({ indices: new Int32Array(0), values: new Float32Array(0) }));
    return following[at] ?? rows.push(embedder.embedState(transition.next));
  });
  /** Per transition, `of` its next state: the following state's where it is that state, nothing after the last. */
  const ofNext = <T>(perState: readonly (readonly T[])[], of: (turns: readonly Turn[]) => readonly T[]): (readonly T[])[] =>
    transitions.map((transition, at) => {
      if (transition.next === undefined) return [];
      const shared = following[at];
      return shared === undefined ? of(transition.next) : (perState[shared] as readonly T[]);
    });
  const nextExchanges = exchanges === undefined || stateExchanges === undefined ? undefined : ofNext(stateExchanges, exchanges);
  const stateEvidence = evidence === undefined ? undefined : transitions.map((transition) => evidence.ofState(transition.state));
  const nextEvidence = evidence === undefined || stateEvidence === undefined || !evidenceOfNext ? undefined : ofNext(stateEvidence, evidence.ofState);
  // Each state's evidence is summed once here, not in every batch that draws it (the same rows, bit for bit).
  const summed = (perTransition: readonly (readonly SparseVector[])[] | undefined): SparseRows | undefined =>
    perTransition === undefined || evidence === undefined ? undefined : evidenceSums(perTransition, evidence.width);
  /** The user's reply to each transition's utterance, if the user replied. */
  const replies = transitions.map((transition) => {
    const reply = kept[transition.dialogue]?.turns[transition.state.length + 1];
    return reply?.role === 'user' ? reply.text : undefined;
  });
  return {
    kept: kept.length,
    library,
    libraryRows: library.map((text) => embedder.embedAction(text)),
    /** Every state's features, row t the state of transition t; rows past the transitions hold next states that are no transition's state. */
    stateRows: rows.done(),
    /** The row of `stateRows` that holds each transition's next state. */
    next,
    /** Exchange rows of each state and next state, for the `dialogue` embedder. */
    stateExchanges,
    stateAnswered: answered === undefined ? undefined : transitions.map((transition) => answered.ofState(transition.state)),
    nextExchanges,
    /** Answer evidence of each state and next state, summed over its exchanges, for a belief that reads it. */
    stateEvidence: summed(stateEvidence),
    nextEvidence: summed(nextEvidence),
    evidenceWidth: evidence?.width,
    actions: Int32Array.from(transitions, (transition) => libraryIndex.get(transition.action) ?? 0),
    reward: Float32Array.from(transitions, (transition) => transition.reward),
    done: Float32Array.from(transitions, (transition) => Number(transition.done)),
    /** The transitions of successful dialogues, the rows a prior learned from successes samples. */
    successRows: Int32Array.from(transitions.flatMap((transition, row) => (kept[transition.dialogue]?.success === true ? [row] : []))),
    returns: returnsToGo(transitions, gamma),
    /** The hidden persona of each transition's dialogue, what the belief loss predicts. */
    personas: transitions.map((transition) => kept[transition.dialogue]?.persona),
    /** How the user answered each transition's utterance: 1 yes, 0 no, `noAnswer` otherwise (what the answer model learns). */
    answers: Int8Array.from(replies, (reply) => (reply === undefined ? noAnswer : (replyAnswer(reply) ?? noAnswer))),
    /**
     * Whether the user answered each transition's utterance with a yes or a no at all (1) or with
     * something else (0: "I'm not sure", "Please ask a yes-or-no question"); `noAnswer` where the
     * dialogue ended, since a closing line ("That's right!") says nothing of what users can answer.
     */
    replied: Int8Array.from(transitions, (transition, at) => {
      const reply = replies[at];
      return transition.done || reply === undefined ? noAnswer : Number(replyAnswer(reply) !== undefined);
    }),
  };
};

export type PreparedTransitions = ReturnType<typeof prepareTransitions>;

/** What ILQL's value losses read besides the behaviour model's inputs. */
export type ValueInputs = {
  next: SparseRows;
  /** Raw features of each row's own utterance. */
  takenRaw: SparseRows;
  nextExchanges: ExchangeRows | undefined;
  nextEvidence: SparseRows | undefined;
  reward: tf.Tensor1D;
  done: tf.Tensor1D;
  /** Discounted return-to-go of each row, the regression target of `mc`. */
  returns: tf.Tensor1D;
  negatives: SparseRows | undefined;
};

export type Batch = {
  /** Which transitions the batch's rows are. */
  rows: readonly number[];
  states: SparseRows;
  exchanges: ExchangeRows | undefined;
  candidates: SparseRows;
  /** Each state's answered pairs, when the network reads them. */
  answered: PairRows | undefined;
  /** Each state's answer evidence, when the belief reads it. */
  evidence: SparseRows | undefined;
  /** One-hot [rows, candidates]: which candidate each row took. */
  taken: tf.Tensor2D;
  labels: Int32Array;
  values: ValueInputs | undefined;
};

export type BatchOptions = { batchSize: number; inputDropout: number; negatives: number; values: boolean };

const evidenceOf = (perTransition: SparseRows | undefined, rows: readonly number[]): SparseRows | undefined => (perTransition === undefined ? undefined : selectRows(perTransition, rows));

/** `from`: the transitions to draw rows from (default all). */
export const sampleBatch = (data: PreparedTransitions, options: BatchOptions, dimension: number, rng: Rng, from?: Int32Array): Batch => {
  const rows = Array.from({ length: options.batchSize }, () => (from === undefined ? rng.int(0, data.actions.length - 1) : (from[rng.int(0, from.length - 1)] ?? 0)));
  const candidateIds: number[] = [];
  const position = new Map<number, number>();
  const labels = Int32Array.from(rows, (row) => {
    const id = data.actions[row] ?? 0;
    if (!position.has(id)) position.set(id, candidateIds.push(id) - 1);
    return position.get(id) ?? 0;
  });
  // A softmax needs two candidates; a batch whose rows all took one utterance gets a second.
  if (candidateIds.length < 2) candidateIds.push(data.library.length > 1 ? ((candidateIds[0] ?? 0) + 1) % data.library.length : (candidateIds[0] ?? 0));
  const negativeIds = options.negatives > 0 ? Array.from({ length: options.negatives }, () => rng.int(0, data.library.length - 1)) : [];
  const pick = (ids: readonly number[]) => ids.map((id) => data.libraryRows[id] as SparseVector);
  const rowsOf = (vectors: readonly SparseVector[]) => sparseRows(vectors, dimension);
  const batch: Batch = {
    rows,
    states: dropSparse(selectRows(data.stateRows, rows), options.inputDropout, rng),
    exchanges: data.stateExchanges === undefined ? undefined : exchangeRows(rows.map((row) => data.stateExchanges?.[row] ?? []), dimension),
    candidates: rowsOf(pick(candidateIds)),
    answered: data.stateAnswered === undefined ? undefined : pairRows(rows.map((row) => data.stateAnswered?.[row] ?? []), dimension, answeredWidth),
    evidence: evidenceOf(data.stateEvidence, rows),
    taken: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), candidateIds.length), 'float32') as tf.Tensor2D),
    labels,
    values: undefined,
  };
  if (!options.values) return batch;
  batch.values = {
    next: selectRows(data.stateRows, rows.map((row) => data.next[row] ?? 0)),
    nextExchanges: data.nextExchanges === undefined ? undefined : exchangeRows(rows.map((row) => data.nextExchanges?.[row] ?? []), dimension),
    nextEvidence: evidenceOf(data.nextEvidence, rows),
    takenRaw: rowsOf(pick(rows.map((row) => data.actions[row] ?? 0))),
    reward: tf.tensor1d(Float32Array.from(rows, (row) => data.reward[row] ?? 0)),
    done: tf.tensor1d(Float32Array.from(rows, (row) => data.done[row] ?? 1)),
    returns: tf.tensor1d(Float32Array.from(rows, (row) => data.returns[row] ?? 0)),
    negatives: negativeIds.length > 0 ? rowsOf(pick(negativeIds)) : undefined,
  };
  return batch;
};

export const disposeBatch = (batch: Batch): void => {
  tf.dispose([batch.taken, ...(batch.values === undefined ? [] : [batch.values.reward, batch.values.done, batch.values.returns])]);
};
