/**
 * The prompt that turns an LLM into the task's agent with no training (the paper's prompted
 * baseline), shared by the prompted agent and by ILQL's LLM proposals so that the value function
 * chooses among exactly what the baseline would have said.
 *
 * @example
 * const messages = agentMessages(spec, turns); // system prompt, then user/assistant turns
 */
import type { ChatMessage } from '../llm/client.ts';
import type { TaskSpec } from '../task/spec.ts';
import type { Turn } from '../task/types.ts';

export const agentSystemPrompt = (spec: TaskSpec): string =>
  [
    `You are ${spec.agent.role}.`,
    spec.description.trim(),
    `Your goal: ${spec.agent.goal}.`,
    `You have at most ${spec.maxTurns} turns to reach it.`,
    'Reply with your next message to the user only: one or two sentences, no name label, no quotation marks.',
  ].join('\n');

// Chat APIs (Anthropic's in particular) want the first message from the user; an agent that
// opens the conversation is asked to with a bracketed stage direction.
const OPENING = '[The user has just arrived and has not said anything yet. Open the conversation.]';

export const agentMessages = (spec: TaskSpec, turns: readonly Turn[]): ChatMessage[] => [
  { role: 'system', content: agentSystemPrompt(spec) },
  ...(turns[0]?.role === 'user' ? [] : [{ role: 'user' as const, content: OPENING }]),
  ...turns.map((turn): ChatMessage => ({ role: turn.role === 'user' ? 'user' : 'assistant', content: turn.text })),
];

/** Models sometimes label or quote their line despite the instruction; the turn is the words alone. */
export const cleanReply = (text: string): string => {
  let reply = text.trim().replace(/^(?:agent|assistant)\s*:\s*/i, '');
  const quoted = /^"([^"]*)"$/.exec(reply) ?? /^“([^”]*)”$/.exec(reply);
  if (quoted !== null) reply = quoted[1] ?? reply;
  return reply.trim();
};
