/**
 * The prompt that turns an LLM into the task's agent with no training (the paper's prompted
 * baseline), shared by the prompted agent, by ILQL's LLM proposals (so the value function chooses
 * among exactly what the baseline would have said) and by LLM evaluation's agents. Two variants
 * serve evaluation: `naive` answers at once without asking, `oracle` is told the hidden persona.
 *
 * @example
 * const messages = agentMessages(spec, turns); // system prompt, then user/assistant turns
 * agentMessages(spec, turns, { kind: 'oracle', persona }); // the upper-bound variant
 */
import type { ChatMessage } from '../llm/client.ts';
import type { TaskSpec } from '../task/spec.ts';
import type { Turn } from '../task/types.ts';

export type PromptedKind = 'prompted' | 'naive' | 'oracle';

/** What the oracle variant is told; other variants know nothing about the user. */
export type PromptPersona = { summary: string; hidden: Record<string, string> };

export type PromptOptions = { kind?: PromptedKind; persona?: PromptPersona };

export const agentSystemPrompt = (spec: TaskSpec, options: PromptOptions = {}): string => {
  const kind = options.kind ?? 'prompted';
  const persona = options.persona;
  return [
    `You are ${spec.agent.role}. Your goal: ${spec.agent.goal}.`,
    `The setting: ${spec.description.trim()}`,
    `You are talking with one user. ${spec.user.description.trim()}`,
    kind === 'oracle' && persona !== undefined
      ? ['What you know about this user, though they have not told you:', persona.summary, ...Object.entries(persona.hidden).map(([name, value]) => `- ${name}: ${value}`)].join('\n')
      : 'You know nothing about this user except what they say in this conversation.',
    kind === 'naive'
      ? 'Give your complete answer in your very next message, right away: do not ask the user any questions.'
      : `You have at most ${spec.maxTurns} messages, so use them well.`,
    'Write only your next message to the user: a few sentences, no name label, no quotation marks, no stage directions.',
  ].join('\n');
};

// Chat APIs (Anthropic's in particular) want the first message from the user; an agent that
// opens the conversation is asked to with a bracketed stage direction.
const OPENING = '[The user has just arrived and has not said anything yet. Open the conversation.]';

export const agentMessages = (spec: TaskSpec, turns: readonly Turn[], options: PromptOptions = {}): ChatMessage[] => [
  { role: 'system', content: agentSystemPrompt(spec, options) },
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
