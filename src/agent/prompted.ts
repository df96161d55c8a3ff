/**
 * The paper's prompted baseline: an LLM told the task spec's agent role and goal, with no
 * training. Each turn is one completion through the LLM client (limits, retries, cache); the
 * seed makes a conversation repeatable and lets episodes differ.
 *
 * @example
 * const agent = createPromptedAgent({ llm, spec, seed: 7 });
 * const step = await agent.act([{ role: 'user', text: 'Anything fun to do here?' }]);
 */
import { ReverieError } from '../errors.ts';
import type { LlmClient } from '../llm/client.ts';
import type { TaskSpec } from '../task/spec.ts';
import type { Agent } from '../task/types.ts';
import { agentMessages, cleanReply } from './prompt.ts';
import { createStreamCleaner } from './stream-reply.ts';

export type PromptedAgentOptions = {
  llm: LlmClient;
  spec: TaskSpec;
  name?: string;
  temperature?: number;
  seed?: number;
  maxTokens?: number;
};

export class EmptyReplyError extends ReverieError {
  override readonly name = 'EmptyReplyError';
}

export const createPromptedAgent = (options: PromptedAgentOptions): Agent => {
  const name = options.name ?? 'prompted';
  return {
    name,
    act: async (turns, act = {}) => {
      const onText = act.onText;
      // Streaming: pieces pass through the cleaner, so what the caller heard is the reply.
      const cleaner = onText === undefined ? undefined : createStreamCleaner(onText);
      const completion = await options.llm.complete({
        messages: agentMessages(options.spec, turns),
        temperature: options.temperature ?? 0.7,
        maxTokens: options.maxTokens ?? 200,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        purpose: 'agent',
        ...(act.signal === undefined ? {} : { signal: act.signal }),
        ...(cleaner === undefined ? {} : { onText: (delta: string) => cleaner.push(delta) }),
      });
      const text = cleaner === undefined ? cleanReply(completion.text) : cleaner.end();
      if (text === '') throw new EmptyReplyError(`${name}: the model answered with an empty reply`, { hint: 'Try again, or use another model.' });
      return { text };
    },
  };
};
