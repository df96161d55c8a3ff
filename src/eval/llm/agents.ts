/**
 * Agents for LLM-evaluated tasks, implementing the shared Agent type: the paper's baseline, an
 * LLM `prompted` with the task's agent role and goal and no training; a `naive` one-shot variant
 * told to answer at once without asking; and an `oracle` prompted with the hidden persona, as a
 * rough upper bound — all from the one prompt builder in src/agent/prompt.ts. Trained checkpoints
 * (`NAME=DIR`) act from their model as in any evaluation.
 *
 * @example
 * const factory = llmAgentFactory(client, spec, 'prompted', { temperature: 1 });
 * const agent = factory({ rng: createRng(1), persona });
 * (await agent.act([{ role: 'user', text: 'Hi!' }])).text;
 */
import type { LlmClient } from '../../llm/client.ts';
import { agentMessages, cleanReply } from '../../agent/prompt.ts';
import { loadTokenAgent } from '../../agent/token-agent.ts';
import type { PromptedKind } from '../../agent/prompt.ts';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import { AgentSpecError, checkpointAgentFactory, parseAgentSpec } from '../../agent/factory.ts';
import type { ActingOptions } from '../../agent/factory.ts';
import { loadCheckpoint } from '../../rl/checkpoint.ts';
import { isTokenCheckpoint } from '../../token/checkpoint.ts';
import type { TaskSpec } from '../../task/spec.ts';
import type { AgentFactory, Turn } from '../../task/types.ts';

export const llmAgentKinds = ['prompted', 'naive', 'oracle'] as const satisfies readonly PromptedKind[];
export type LlmAgentKind = PromptedKind;

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

export const llmAgentFactory = (client: LlmClient, spec: TaskSpec, kind: LlmAgentKind, options: { temperature: number }): AgentFactory<StoredPersona> => ({ rng, persona }) => {
  const seed = rng.int(0, 2 ** 31 - 1);
  return {
    name: kind,
    act: async (turns) => {
      const completion = await client.complete({ messages: agentMessages(spec, turns, { kind, persona }), temperature: options.temperature, seed: seed + turns.length, purpose: `agent:${kind}` });
      // A transcript turn is never empty, even when the model said nothing.
      return { text: cleanReply(completion.text) || '…' };
    },
  };
};

/** Builds each agent's factory for a client; an episode passes its own client to count its tokens. */
export type LlmEvalAgent = { spec: LlmAgentSpec; factoryFor(client: LlmClient): AgentFactory<StoredPersona> };

export const createLlmEvalAgent = async (spec: LlmAgentSpec, task: TaskSpec, options: { temperature: number; acting: ActingOptions }): Promise<LlmEvalAgent> => {
  if ('kind' in spec) return { spec, factoryFor: (client) => llmAgentFactory(client, task, spec.kind, options) };
  if (await isTokenCheckpoint(spec.checkpoint)) {
    const { factory } = await loadTokenAgent(spec.checkpoint, { name: spec.name, task: task.name, ...options.acting });
    return { spec, factoryFor: () => factory };
  }
  const factory = checkpointAgentFactory<StoredPersona>(spec.name, await loadCheckpoint(spec.checkpoint, { task: task.name }), options.acting);
  return { spec, factoryFor: () => factory };
};
