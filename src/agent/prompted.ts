/**
 * The LLM agents with no training, from the one prompt builder (prompt.ts): the paper's
 * `prompted` baseline (the task's role and goal), `naive` (told to answer at once without
 * asking) and `oracle` (told the hidden persona). Each turn is one completion through the LLM
 * client (limits, retries, cache); the seed plus the turn's position makes a conversation
 * repeatable while every turn and every episode is its own sample. A transcript turn is never
 * empty: an empty reply is asked for once more with another seed, and if that is empty too the
 * agent fails with EmptyReplyError.
 *
 * @example
 * const agent = createPromptedAgent({ llm, spec, seed: 7 });
 * const step = await agent.act([{ role: 'user', text: 'Anything fun to do here?' }]);
 * createPromptedAgent({ llm, spec, kind: 'oracle', persona: { summary: 'A retired teacher', hidden: {} } });
 */
import { ReverieError } from '../errors.ts';
import type { LlmClient } from '../llm/client.ts';
import type { TaskSpec } from '../task/spec.ts';
import type { ActOptions, Agent } from '../task/types.ts';
import { agentMessages, cleanReply } from './prompt.ts';
import type { PromptedKind, PromptPersona } from './prompt.ts';
import { createStreamCleaner } from './stream-reply.ts';

export type PromptedAgentOptions = {
  llm: LlmClient;
  spec: TaskSpec;
  /** Default 'prompted'. */
  kind?: PromptedKind;
  /** What the oracle is told; the other kinds know nothing about the user. */
  persona?: PromptPersona;
  /** Default: the kind. */
  name?: string;
  /** Default 0.7. */
  temperature?: number;
  seed?: number;
  /** Default 200. */
  maxTokens?: number;
};

export class EmptyReplyError extends ReverieError {
  override readonly name = 'EmptyReplyError';
}

/** Far from any turn's offset, so the second ask never repeats another turn's seed. */
const RETRY_SEED_OFFSET = 1_000_003;

export const createPromptedAgent = (options: PromptedAgentOptions): Agent => {
  const kind = options.kind ?? 'prompted';
  const name = options.name ?? kind;
  const ask = async (turns: Parameters<Agent['act']>[0], seed: number | undefined, act: ActOptions): Promise<string> => {
    // Streaming: pieces pass through the cleaner, so what the caller heard is the reply.
    const cleaner = act.onText === undefined ? undefined : createStreamCleaner(act.onText);
    const completion = await options.llm.complete({
      messages: agentMessages(options.spec, turns, { kind, ...(options.persona === undefined ? {} : { persona: options.persona }) }),
      temperature: options.temperature ?? 0.7,
      maxTokens: options.maxTokens ?? 200,
      ...(seed === undefined ? {} : { seed }),
      purpose: `agent:${kind}`,
      ...(act.signal === undefined ? {} : { signal: act.signal }),
      ...(cleaner === undefined ? {} : { onText: (delta: string) => cleaner.push(delta) }),
    });
    return cleaner === undefined ? cleanReply(completion.text) : cleaner.end();
  };
  return {
    name,
    act: async (turns, act = {}) => {
      const seed = options.seed === undefined ? undefined : options.seed + turns.length;
      const text = (await ask(turns, seed, act)) || (await ask(turns, (seed ?? 0) + RETRY_SEED_OFFSET, act));
      if (text === '') throw new EmptyReplyError(`${name}: the model answered with an empty reply twice`, { hint: 'Try again with another --seed, or use another model.' });
      return { text };
    },
  };
};
