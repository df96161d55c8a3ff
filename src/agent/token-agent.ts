/**
 * An agent from a token-level checkpoint: the conversation is formatted as the model was trained
 * on it (formatPrompt) and the agent's reply is decoded token by token with ILQL's rule,
 * logits + β·(Q − V) over the LM's top k (decodeUtterance), until the end-of-turn token. The LM
 * runs with a KV cache, so each new token costs one position, not the whole prefix. A BC
 * checkpoint, or β = 0, samples from the LM alone.
 *
 * The policy (model, transposed embedding) is built once; each conversation gets a light agent
 * with its own rng, so sampled replies are reproducible per episode and many conversations can
 * share one policy.
 *
 * @example
 * const policy = createTokenPolicy(model, info, { beta: 4, topK: 10 });
 * const agent = tokenAgent(policy, 'token-ilql', createRng(7));
 * const step = await agent.act([{ role: 'user', text: 'Any ideas for tomorrow?' }]);
 * policy.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { ReverieError } from '../errors.ts';
import { lmLogits, transposeEmbedding } from '../lm/gpt2.ts';
import { disposeKvCache, forwardWithCache } from '../lm/gpt2-cache.ts';
import type { KvCache } from '../lm/gpt2-cache.ts';
import { loadTokenCheckpoint } from '../token/checkpoint.ts';
import type { TokenCheckpointInfo } from '../token/checkpoint.ts';
import { decodeUtterance } from '../token/decode.ts';
import type { DecodeStep, StepOutput } from '../token/decode.ts';
import { stateValues, targetQMin } from '../token/heads.ts';
import { disposeTokenModel } from '../token/model.ts';
import type { TokenModel } from '../token/model.ts';
import { formatPrompt } from '../token/transitions.ts';
import type { Agent, AgentStep, Turn } from '../task/types.ts';
import type { Rng } from '../util/rng.ts';

export type TokenDecoding = {
  /** Weight of the advantage; 0 (and always for BC) decodes from the LM alone. */
  beta: number;
  topK?: number;
  temperature?: number;
  /** Argmax at each token instead of sampling: the same reply to the same conversation. */
  greedy?: boolean;
  /** Longest reply in tokens; twice the data's longest utterance by default. */
  maxTokens?: number;
  /** Also report the reply as a candidate with its mean per-token advantage (chat --show-candidates, serve). */
  reportAdvantages?: boolean;
};

/** What decoding does unless the caller or the checkpoint (reverie.json's acting) says otherwise. */
export const defaultTokenDecoding = { beta: 4, topK: 10, temperature: 1, greedy: false } as const;

export class TokenAgentError extends ReverieError {
  override readonly name = 'TokenAgentError';
}

/** The caller's settings where given, else the checkpoint's acting, else the defaults; β is 0 for BC. */
export function resolveTokenDecoding(info: TokenCheckpointInfo, given: Partial<TokenDecoding> = {}): TokenDecoding & { topK: number; temperature: number; greedy: boolean } {
  const acting = info.acting;
  const beta = info.algorithm === 'token-bc' ? 0 : (given.beta ?? acting?.beta ?? defaultTokenDecoding.beta);
  return {
    ...given,
    beta,
    topK: given.topK ?? acting?.topK ?? defaultTokenDecoding.topK,
    temperature: given.temperature ?? acting?.temperature ?? defaultTokenDecoding.temperature,
    greedy: given.greedy ?? acting?.greedy ?? defaultTokenDecoding.greedy,
  };
}

export type TokenPolicy = {
  /** The decoding it acts with, resolved. */
  decoding: ReturnType<typeof resolveTokenDecoding>;
  act(turns: readonly Turn[], rng: Rng): Promise<AgentStep>;
  dispose(): void;
};

export function createTokenPolicy(model: TokenModel, info: TokenCheckpointInfo, given: Partial<TokenDecoding> = {}): TokenPolicy {
  const decoding = resolveTokenDecoding(info, given);
  const { config, params, tokenizer, special, heads } = model;
  // The reply may take at most three quarters of the model's positions, so the end of the
  // conversation always fits beside it; the prompt keeps that end, cut as training cut its windows.
  const wanted = decoding.maxTokens ?? Math.max(8, 2 * info.data.longestUtterance);
  const maxTokens = Math.min(wanted, Math.floor((3 * config.n_positions) / 4));
  const promptLength = config.n_positions - maxTokens;
  if (!(Number.isInteger(maxTokens) && maxTokens >= 1) || promptLength < 2) {
    throw new TokenAgentError(`a model of ${config.n_positions} positions leaves no room for a conversation and a reply`, {
      hint: 'Train with a longer --max-length (at least 8).',
    });
  }
  const useValues = heads !== undefined && (decoding.beta !== 0 || decoding.reportAdvantages === true);
  const wteT = transposeEmbedding(params);
  // Tokens an agent reply never contains: the other format tokens, and ids the tokenizer lacks.
  const banned = new Set([special.user, special.agent, special.endOfText]);
  for (let id = tokenizer.vocabSize; id < config.vocab_size; id += 1) banned.add(id);
  const zeros = new Float32Array(config.vocab_size);

  const act = async (turns: readonly Turn[], rng: Rng): Promise<AgentStep> => {
    const prompt = formatPrompt(turns, tokenizer, special, promptLength);
    let cache: KvCache | undefined;
    let fed = 0;
    const step: DecodeStep = (prefix) => {
      const fresh = prefix.slice(fed);
      const out = forwardWithCache(params, config, fresh, cache, { batch: 1 });
      if (cache !== undefined) disposeKvCache(cache);
      cache = out.cache;
      fed = prefix.length;
      const tensors = tf.tidy(() => {
        const h = tf.reshape(tf.slice(out.hidden, [0, fresh.length - 1, 0], [1, 1, config.n_embd]), [1, config.n_embd]) as tf.Tensor2D;
        const logits = lmLogits(params, h, { transposedEmbedding: wteT });
        return !useValues || heads === undefined ? { logits } : { logits, q: targetQMin(heads, h), v: stateValues(heads, h) };
      });
      const logits = Float32Array.from(tensors.logits.dataSync());
      for (const id of banned) logits[id] = -Infinity;
      // An empty reply is never what the data shows: the first token cannot end the turn.
      if (prefix.length === prompt.length) logits[special.endOfTurn] = -Infinity;
      const result: StepOutput = { logits, q: tensors.q?.dataSync() ?? zeros, v: tensors.v?.dataSync()[0] ?? 0 };
      tf.dispose([out.hidden, tensors.logits, ...(tensors.q === undefined ? [] : [tensors.q]), ...(tensors.v === undefined ? [] : [tensors.v])]);
      return result;
    };
    try {
      const decoded = await decodeUtterance(prompt, step, { ...decoding, endOfTurn: special.endOfTurn, maxTokens, rng });
      const text = tokenizer.decode(decoded.tokens).trim();
      if (decoding.reportAdvantages !== true || !useValues) return { text };
      const mean = decoded.advantages.reduce((sum, value) => sum + value, 0) / Math.max(1, decoded.advantages.length);
      return { text, candidates: [{ text, score: mean, advantage: mean }] };
    } finally {
      if (cache !== undefined) disposeKvCache(cache);
    }
  };

  return { decoding, act, dispose: () => wteT.dispose() };
}

/** An agent for one conversation (or one request) over a shared policy. */
export const tokenAgent = (policy: TokenPolicy, name: string, rng: Rng): Agent => ({ name, act: (turns) => policy.act(turns, rng) });

export type LoadedTokenAgent = {
  /** A fresh agent per conversation, seeded by the episode's rng. */
  factory: (episode: { rng: Rng }) => Agent;
  info: TokenCheckpointInfo;
  policy: TokenPolicy;
  /** For transcripts and model lists: 'token-ilql checkpoint DIR (β 4, top-k 10, sampled)'. */
  description: string;
  dispose(): void;
};

/**
 * Loads a token checkpoint as an agent. The commands' `--k` is the top-k of decoding here (the
 * tokens the advantage may re-rank) and `--beta` the advantage's weight, as for the utterance
 * agents; what is not given comes from the checkpoint's acting, else the defaults.
 */
export async function loadTokenAgent(directory: string, options: { name: string; task?: string; k?: number | undefined; beta?: number | undefined; decoding?: Partial<TokenDecoding> }): Promise<LoadedTokenAgent> {
  const { model, info } = await loadTokenCheckpoint(directory, options.task === undefined ? {} : { task: options.task });
  const given: Partial<TokenDecoding> = { ...options.decoding };
  if (options.k !== undefined) given.topK = options.k;
  if (options.beta !== undefined) given.beta = options.beta;
  const policy = createTokenPolicy(model, info, given);
  const { beta, topK, greedy, temperature } = policy.decoding;
  return {
    factory: ({ rng }) => tokenAgent(policy, options.name, rng),
    info,
    policy,
    description: `${info.algorithm} checkpoint ${directory} (β ${beta}, top-k ${topK}, ${greedy ? 'greedy' : `sampled at temperature ${temperature}`})`,
    dispose: () => {
      policy.dispose();
      disposeTokenModel(model);
    },
  };
}
