/**
 * Candidate replies from an LLM for ILQL to choose among: k completions of the prompted agent's
 * prompt, sampled with distinct seeds (the client has no n > 1, and distinct seeds also give
 * distinct cache entries, so a repeated conversation gets the same k proposals back from the
 * cache). Requests go out together; the client's concurrency limit paces them, and the caller's
 * signal (a served client hanging up) cancels them.
 *
 * @example
 * const propose = createLlmProposer({ llm, spec, k: 8 });
 * const agent = createCheckpointAgent(checkpoint, { name: 'ilql', k: 8, beta: 4, propose });
 */
import type { LlmClient } from '../llm/client.ts';
import type { TaskSpec } from '../task/spec.ts';
import { agentMessages, cleanReply } from './prompt.ts';
import type { Proposer } from './value-agent.ts';

export type LlmProposerOptions = {
  llm: LlmClient;
  spec: TaskSpec;
  k: number;
  /** Default 1: proposals should differ. */
  temperature?: number;
  /** The first sample's seed; sample i uses seed + i (default 0). */
  seed?: number;
  maxTokens?: number;
};

export const createLlmProposer = (options: LlmProposerOptions): Proposer => async (turns, { signal } = {}) => {
  const messages = agentMessages(options.spec, turns);
  const base = options.seed ?? 0;
  const completions = await Promise.all(
    Array.from({ length: options.k }, (_, i) =>
      options.llm.complete({ messages, temperature: options.temperature ?? 1, maxTokens: options.maxTokens ?? 200, seed: base + i, purpose: 'proposal', ...(signal === undefined ? {} : { signal }) }),
    ),
  );
  return completions.map((completion) => cleanReply(completion.text));
};
