/**
 * Agents for LLM-evaluated tasks, implementing the shared Agent type: the paper's baseline, an
 * LLM `prompted` with the task's agent role and goal and no training; a `naive` one-shot variant
 * told to answer at once without asking; and an `oracle` prompted with the hidden persona, as a
 * rough upper bound. Trained checkpoints (`NAME=DIR`) act from their model as in any evaluation.
 * (Kept here, apart from src/agent, until the two are merged.)
 *
 * @example
 * const factory = llmAgentFactory(client, spec, 'prompted', { temperature: 1 });
 * const agent = factory({ rng: createRng(1), persona });
 * (await agent.act([{ role: 'user', text: 'Hi!' }])).text;
 */
import type { LlmClient } from '../../llm/client.ts';
import type { Message } from '../../imagine/llm/prompts.ts';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import { AgentSpecError, checkpointAgentFactory, parseAgentSpec } from '../../pipeline/agents.ts';
import type { ActingOptions } from '../../pipeline/agents.ts';
import { loadCheckpoint } from '../../rl/checkpoint.ts';
import type { TaskSpec } from '../../task/spec.ts';
import type { AgentFactory, Turn } from '../../task/types.ts';

export const llmAgentKinds = ['prompted', 'naive', 'oracle'] as const;
export type LlmAgentKind = (typeof llmAgentKinds)[number];

export type LlmAgentSpec = { name: string; kind: LlmAgentKind; text: string } | { name: string; checkpoint: string; text: string };

export const parseLlmAgentSpec = (text: string): LlmAgentSpec => {
  if (text.includes('=')) {
    const spec = parseAgentSpec(text);
    return { name: spec.name, checkpoint: spec.checkpoint as string, text };
  }
  if (!(llmAgentKinds as readonly string[]).includes(text)) {
    throw new AgentSpecError(`agent "${text}" is not one of the agents for LLM evaluation (${llmAgentKinds.join(', ')}) and names no checkpoint`, {
      hint: 'With --model, write --agent prompted, naive, oracle or NAME=CHECKPOINT_DIR.',
    });
  }
  return { name: text, kind: text as LlmAgentKind, text };
};

export const agentSystemPrompt = (spec: TaskSpec, kind: LlmAgentKind, persona: StoredPersona): string =>
  [
    `You are ${spec.agent.role}. Your goal: ${spec.agent.goal}.`,
    `The setting: ${spec.description}`,
    `You are talking with one user. ${spec.user.description}`,
    kind === 'oracle'
      ? ['What you know about this user, though they have not told you:', persona.summary, ...Object.entries(persona.hidden).map(([name, value]) => `- ${name}: ${value}`)].join('\n')
      : 'You know nothing about this user except what they say in this conversation.',
    kind === 'naive'
      ? 'Give your complete answer in your very next message, right away: do not ask the user any questions.'
      : `You have at most ${spec.maxTurns} messages, so use them well.`,
    'Write only your next message: a few sentences, no name label, no stage directions.',
  ].join('\n');

export const agentMessages = (spec: TaskSpec, kind: LlmAgentKind, persona: StoredPersona, turns: readonly Turn[]): Message[] => [
  { role: 'system', content: agentSystemPrompt(spec, kind, persona) },
  ...turns.map((turn): Message => ({ role: turn.role === 'user' ? 'user' : 'assistant', content: turn.text })),
];

/** Models sometimes label their turn ("Agent: …"); the transcript has its own labels. */
export const cleanAgentReply = (text: string): string => {
  const cleaned = text.trim().replace(/^(?:agent|assistant)\s*:\s*/i, '').trim();
  return cleaned === '' ? '…' : cleaned;
};

export const llmAgentFactory = (client: LlmClient, spec: TaskSpec, kind: LlmAgentKind, options: { temperature: number }): AgentFactory<StoredPersona> => ({ rng, persona }) => {
  const seed = rng.int(0, 2 ** 31 - 1);
  return {
    name: kind,
    act: async (turns) => {
      const completion = await client.complete({ messages: agentMessages(spec, kind, persona, turns), temperature: options.temperature, seed: seed + turns.length, purpose: `agent:${kind}` });
      return { text: cleanAgentReply(completion.text) };
    },
  };
};

/** Builds each agent's factory for a client; an episode passes its own client to count its tokens. */
export type LlmEvalAgent = { spec: LlmAgentSpec; factoryFor(client: LlmClient): AgentFactory<StoredPersona> };

export const createLlmEvalAgent = async (spec: LlmAgentSpec, task: TaskSpec, options: { temperature: number; acting: ActingOptions }): Promise<LlmEvalAgent> => {
  if ('kind' in spec) return { spec, factoryFor: (client) => llmAgentFactory(client, task, spec.kind, options) };
  const factory = checkpointAgentFactory<StoredPersona>(spec.name, await loadCheckpoint(spec.checkpoint, { task: task.name }), options.acting);
  return { spec, factoryFor: () => factory };
};
