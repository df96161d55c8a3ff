/**
 * Agents that act from a trained model. Candidates come from the data's utterance library (the
 * behaviour model's k most likely, an offline stand-in for k samples from an LLM) or from a
 * `propose` function (an LLM's samples, see proposals.ts). ILQL picks by
 * log π_β(a|s) + β(Q(s,a) − V(s)), with the pessimistic min of the target Q heads; BC and
 * filtered BC pick by log π_β alone.
 *
 * With an answer-chance model (see rl/answers.ts) an agent also skips a candidate the state's belief
 * says the user will not answer (a question about what they said they do not know), as it skips
 * what it already said: such candidates rank after all the others.
 *
 * π_β(a|s) ∝ exp(e_s·W·e_a) is bilinear over embeddings, so any text can be scored, not only the
 * library's: a proposal is embedded and encoded like a library utterance. Its prior is normalised
 * over the step's candidates, as the library's top k is. An encoder with a model (`embeddings`)
 * fetches the vectors of the conversation and of the proposals before they are scored.
 *
 * @example
 * const agent = createValueAgent(model, embedder, { name: 'ilql', policy: 'advantage', k: 16, beta: 4 });
 * const step = await agent.act(turns); // step.candidates holds each proposal's Q, V, advantage and prior
 */
import * as tf from '@tensorflow/tfjs-core';
import { linear } from '../nn/linear.ts';
import type { Embedder } from '../embed/hashed.ts';
import { ReverieError } from '../errors.ts';
import { disposeEncoded, encodeActions, encodeStates, policyLogits, qValues, selectActions, values } from '../rl/network.ts';
import type { Encoded } from '../rl/network.ts';
import { beliefLayout } from '../rl/parameters.ts';
import type { Parameters } from '../rl/parameters.ts';
import { evidenceSums, exchangeRows } from '../rl/exchange-rows.ts';
import { sparseRows } from '../nn/sparse-layers.ts';
import { pairRows } from '../nn/pair-layers.ts';
import { answeredWidth, createAnsweredIndex } from '../embed/answered.ts';
import type { AnsweredIndex } from '../embed/answered.ts';
import { createEvidenceIndex } from '../embed/evidence.ts';
import type { EvidenceIndex } from '../embed/evidence.ts';
import type { ActOptions, Agent, AgentStep, AgentStepCandidate, Turn } from '../task/types.ts';

/** Candidate replies for a conversation, e.g. k samples from an LLM; `signal` cancels the requests. */
export type Proposer = (turns: readonly Turn[], options?: { signal?: AbortSignal | undefined }) => Promise<readonly string[]>;

export type ValueAgentOptions = {
  name: string;
  /** `policy`: argmax of π_β; `advantage`: ILQL's choice among the candidates. */
  policy: 'policy' | 'advantage';
  /** Library candidates per step (the top k of π_β); unused when `propose` is given. */
  k: number;
  beta: number;
  /** Where candidates come from; the library's top k when absent. */
  propose?: Proposer;
  /** With `policy`, also report the library's top k by prior (the eval reports leave them out). */
  reportCandidates?: boolean;
  /**
   * Never say again what the agent already said in this conversation (default true). A learned
   * agent whose state does not change enough after a reply otherwise repeats itself word for word.
   */
  avoidRepeats?: boolean;
  /**
   * Rank candidates the network's answer-chance model gives less than an even chance of a yes or a
   * no after every other (default true; no effect on a network without that model).
   */
  avoidUnanswerable?: boolean | undefined;
  /**
   * For diagnostics: replaces the state's belief (all fields, in head order) before the prior and
   * Q read it. bench/belief-headroom.ts measures what a belief that reads the answers exactly would add.
   */
  adjustBelief?: (turns: readonly Turn[], belief: Float32Array) => Float32Array;
};

export type ActingModel = { parameters: Parameters; library: readonly string[] };

export class ProposalError extends ReverieError {
  override readonly name = 'ProposalError';
}

/** Trimmed, non-empty, each text once, first occurrence kept: the LLM may repeat itself. */
const distinct = (texts: readonly string[]): string[] => [...new Set(texts.map((text) => text.trim()).filter((text) => text !== ''))];

/** What the agent has said so far in this conversation, trimmed. */
export const saidBefore = (turns: readonly Turn[]): Set<string> => new Set(turns.filter((turn) => turn.role === 'agent').map((turn) => turn.text.trim()));

type Scored = { prior: number[]; q?: number[]; v?: number; answerChance?: number[] };

/** Below this chance of a yes or a no, a candidate counts as one the user will not answer. */
export const answerableChance = 0.5;

/**
 * Per candidate, the chance of a yes-or-no answer under the state's belief, Σ_{v∈f} b(v|s)·P(answer | a, v)
 * for each persona field f, the lowest over fields: [A].
 */
const answerChances = (parameters: Parameters, state: Encoded, proposals: Encoded): tf.Tensor1D | undefined => {
  if (state.belief === undefined || proposals.chances === undefined) return undefined;
  return tf.min(linear(tf.mul(proposals.chances, state.belief) as tf.Tensor2D, beliefLayout(parameters)), 1) as tf.Tensor1D;
};

/** The per-exchange tables a network reads beyond its embedder's features, kept between calls. */
export type ConversationIndices = { answered: AnsweredIndex | undefined; evidence: EvidenceIndex | undefined };

export const conversationIndices = (parameters: Parameters, embedder: Embedder): ConversationIndices => ({
  answered: parameters.has('policy.answered') ? createAnsweredIndex(embedder.dimension) : undefined,
  evidence: parameters.has('belief.evidence') ? createEvidenceIndex(parameters.get('belief.evidence')?.shape[0]) : undefined,
});

/**
 * One conversation as the network's state: its bag, its exchange rows when the embedder reads
 * them, its answered pairs and answer evidence when the network reads those.
 */
export const encodeConversation = (parameters: Parameters, embedder: Embedder, turns: readonly Turn[], indices = conversationIndices(parameters, embedder)): Encoded => {
  const { answered, evidence } = indices;
  return encodeStates(
    parameters,
    sparseRows([embedder.embedState(turns)], embedder.dimension),
    undefined,
    embedder.embedExchanges === undefined ? undefined : exchangeRows([embedder.embedExchanges(turns)], embedder.dimension),
    {
      answered: answered === undefined ? undefined : pairRows([answered.ofState(turns)], embedder.dimension, answeredWidth),
      evidence: evidence === undefined ? undefined : evidenceSums([evidence.ofState(turns)], evidence.width),
    },
  );
};

export const createValueAgent = (model: ActingModel, embedder: Embedder, options: ValueAgentOptions): Agent => {
  const library = tf.tidy(() => encodeActions(model.parameters, sparseRows(model.library.map((text) => embedder.embedAction(text)), embedder.dimension)));
  const k = Math.min(options.k, model.library.length);
  const advantage = options.policy === 'advantage';
  const avoidRepeats = options.avoidRepeats ?? true;
  const avoidUnanswerable = (options.avoidUnanswerable ?? true) && model.parameters.has('chance.w');
  const libraryIndex = new Map(model.library.map((text, index) => [text.trim(), index]));
  const indices = conversationIndices(model.parameters, embedder);

  /**
   * −∞ on the library utterances already said, so neither argmax nor top k can pick them, and how
   * many candidates remain to choose among. Nothing is barred once everything has been said.
   */
  const barred = (turns: readonly Turn[]): { mask: tf.Tensor2D | undefined; open: number } => {
    const indices = avoidRepeats ? [...new Set([...saidBefore(turns)].flatMap((text) => libraryIndex.get(text) ?? []))] : [];
    if (indices.length === 0 || indices.length >= model.library.length) return { mask: undefined, open: k };
    const mask = new Float32Array(model.library.length);
    for (const index of indices) mask[index] = -Infinity;
    return { mask: tf.tensor2d(mask, [1, model.library.length]), open: Math.min(k, model.library.length - indices.length) };
  };

  const encodeState = (turns: readonly Turn[]): Encoded => {
    const state = encodeConversation(model.parameters, embedder, turns, indices);
    const adjust = options.adjustBelief;
    if (adjust === undefined || state.belief === undefined) return state;
    return { ...state, belief: tf.tensor2d(adjust(turns, state.belief.dataSync() as Float32Array), state.belief.shape) };
  };

  /** Prior over the candidates (logits renormalised over them), and Q and V for ILQL. */
  const score = (state: Encoded, proposals: Encoded, logits: tf.Tensor): Scored => {
    const prior = Array.from(tf.logSoftmax(tf.reshape(logits, [-1])).dataSync());
    const chances = avoidUnanswerable ? answerChances(model.parameters, state, proposals) : undefined;
    const answerable = chances === undefined ? {} : { answerChance: Array.from(chances.dataSync()) };
    if (!advantage) return { prior, ...answerable };
    const q = tf.minimum(qValues(model.parameters, 'target-q1', state, proposals), qValues(model.parameters, 'target-q2', state, proposals));
    return { prior, q: Array.from(q.dataSync()), v: values(model.parameters, state).dataSync()[0] ?? 0, ...answerable };
  };

  const rank = (texts: readonly string[], scored: Scored, source: AgentStepCandidate['source']): AgentStep => {
    const candidates: AgentStepCandidate[] = texts.map((text, i) => {
      const prior = scored.prior[i] ?? 0;
      const chance = scored.answerChance === undefined ? {} : { answerChance: scored.answerChance[i] ?? 1 };
      if (scored.q === undefined || scored.v === undefined) return { text, score: prior, prior, ...chance, source };
      const q = scored.q[i] ?? 0;
      const gain = q - scored.v;
      return { text, score: prior + options.beta * gain, q, v: scored.v, advantage: gain, prior, ...chance, source };
    });
    const unanswered = (candidate: AgentStepCandidate): number => Number((candidate.answerChance ?? 1) < answerableChance);
    // Stable sort: among equal scores the more likely candidate (earlier in top-k order) wins.
    candidates.sort((a, b) => unanswered(a) - unanswered(b) || b.score - a.score);
    return { text: candidates[0]?.text ?? '', candidates };
  };

  const fromLibrary = (turns: readonly Turn[]): AgentStep => {
    const result = tf.tidy(() => {
      const state = encodeState(turns);
      const { mask, open } = barred(turns);
      const logits = mask === undefined ? policyLogits(model.parameters, state, library) : tf.add(policyLogits(model.parameters, state, library), mask);
      if (!advantage && options.reportCandidates !== true && !avoidUnanswerable) return { best: tf.argMax(logits, 1).dataSync()[0] ?? 0, indices: undefined, scored: undefined };
      const top = tf.topk(logits, open);
      const indices = Array.from(top.indices.dataSync());
      const proposals = selectActions(library, indices);
      return { best: undefined, indices, scored: score(state, proposals, top.values) };
    });
    if (result.indices === undefined || result.scored === undefined) return { text: model.library[result.best ?? 0] ?? '' };
    const step = rank(result.indices.map((index) => model.library[index] ?? ''), result.scored, 'library');
    // A behaviour model reports its top k only when asked; the ranking above was for the answer chance.
    return advantage || options.reportCandidates === true ? step : { text: step.text };
  };

  /** Fetches what an encoder with a model lacks (the conversation, the candidates) before scoring synchronously. */
  const prepare = async (texts: readonly string[], signal: AbortSignal | undefined): Promise<void> => embedder.prepare?.(texts, { signal });

  const fromProposals = async (turns: readonly Turn[], propose: Proposer, signal: AbortSignal | undefined): Promise<AgentStep> => {
    const proposed = distinct(await propose(turns, { signal }));
    const said = avoidRepeats ? saidBefore(turns) : new Set<string>();
    const fresh = proposed.filter((text) => !said.has(text));
    // When every proposal repeats the conversation, saying something is better than saying nothing.
    const texts = fresh.length > 0 ? fresh : proposed;
    if (texts.length === 0) {
      throw new ProposalError(`${options.name}: the proposer offered no usable reply (all empty)`, { hint: 'Check the model the proposals come from; it answered with blank text.' });
    }
    await prepare([...turns.map((turn) => turn.text), ...texts], signal);
    const scored = tf.tidy(() => {
      const state = encodeState(turns);
      const proposals = encodeActions(model.parameters, sparseRows(texts.map((text) => embedder.embedAction(text)), embedder.dimension));
      return score(state, proposals, policyLogits(model.parameters, state, proposals));
    });
    return rank(texts, scored, 'llm');
  };

  return {
    name: options.name,
    dispose: () => disposeEncoded(library),
    act: async (turns: readonly Turn[], act?: ActOptions) => {
      if (options.propose !== undefined) return fromProposals(turns, options.propose, act?.signal);
      await prepare(turns.map((turn) => turn.text), act?.signal);
      return fromLibrary(turns);
    },
  };
};
