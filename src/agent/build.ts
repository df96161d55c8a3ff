/**
 * Builds the agent a person talks with (`reverie chat`) or a server exposes (`reverie serve`)
 * from a spec: the task's scripted agents (`naive`, `oracle`, `behaviour`), `prompted` (an LLM
 * with the task's role and goal) or `NAME=CHECKPOINT_DIR`. An utterance-level checkpoint agent
 * chooses among an LLM's proposals when an LLM is given, and among the data's utterances
 * otherwise; a token-level checkpoint (a folder with reverie.json) writes its replies itself.
 *
 * @example
 * const built = await buildAgent(parseAgentChoice('ilql=runs/demo/checkpoints/ilql'), { spec, simulator, k: 16, beta: 4 });
 * const agent = built.factory({ rng, persona });
 */
import type { LlmClient } from '../llm/client.ts';
import { AgentSpecError, createAgentFactory, parseAgentSpec } from './factory.ts';
import type { AgentSpec } from './factory.ts';
import { loadCheckpoint } from '../rl/checkpoint.ts';
import type { TaskSpec } from '../task/spec.ts';
import type { AgentFactory, TaskSimulator } from '../task/types.ts';
import { createCheckpointAgent, resolveActing } from './checkpoint-agent.ts';
import { createPromptedAgent } from './prompted.ts';
import { isTokenCheckpoint } from '../token/checkpoint.ts';
import { loadTokenAgent } from './token-agent.ts';
import { createLlmProposer } from './proposals.ts';

export type BuildContext = {
  spec: TaskSpec;
  /** The task's simulator, for built-in tasks; scripted agents need it. */
  simulator?: TaskSimulator<unknown>;
  llm?: LlmClient;
  /** Default: the checkpoint's acting.json, else 16 and 4; for a token checkpoint, the top-k and β of decoding. */
  k?: number | undefined;
  beta?: number | undefined;
  temperature?: number;
  /** BC / filtered BC also report their top k (for --show-candidates and the web page). */
  reportCandidates?: boolean;
};

export type BuiltAgent = {
  name: string;
  factory: AgentFactory<unknown>;
  /** The oracle reads the hidden persona, so it can only talk with someone playing one. */
  needsPersona: boolean;
  /** What the agent is, for transcripts: 'naive', 'prompted', 'ilql (checkpoint DIR, LLM proposals)'. */
  description: string;
  dispose(): void;
};

export const parseAgentChoice = (text: string): AgentSpec => (text === 'prompted' ? { name: 'prompted' } : parseAgentSpec(text));

const needLlm = (what: string): AgentSpecError =>
  new AgentSpecError(`${what} needs an LLM, and no model was given`, { hint: 'Pass --model PROVIDER:MODEL (e.g. openai:gpt-4o-mini, ollama:llama3.1), or --config FILE.' });

export const buildAgent = async (choice: AgentSpec, context: BuildContext): Promise<BuiltAgent> => {
  const { spec, llm } = context;
  if (choice.checkpoint !== undefined && (await isTokenCheckpoint(choice.checkpoint))) {
    const loaded = await loadTokenAgent(choice.checkpoint, {
      name: choice.name,
      task: spec.name,
      k: context.k,
      beta: context.beta,
      decoding: { reportAdvantages: context.reportCandidates === true },
    });
    return { name: choice.name, factory: loaded.factory, needsPersona: false, description: loaded.description, dispose: loaded.dispose };
  }
  if (choice.checkpoint !== undefined) {
    const checkpoint = await loadCheckpoint(choice.checkpoint, { task: spec.name });
    const { k, beta } = resolveActing(checkpoint, context);
    const propose = llm === undefined ? undefined : createLlmProposer({ llm, spec, k, ...(context.temperature === undefined ? {} : { temperature: context.temperature }) });
    const agent = createCheckpointAgent(checkpoint, {
      name: choice.name,
      k,
      beta,
      where: choice.checkpoint,
      ...(propose === undefined ? {} : { propose }),
      ...(context.reportCandidates === undefined ? {} : { reportCandidates: context.reportCandidates }),
    });
    const source = propose === undefined ? 'candidates from the data' : `${k} proposals from ${llm?.model.provider}:${llm?.model.model}`;
    return {
      name: choice.name,
      factory: () => agent,
      needsPersona: false,
      description: `${checkpoint.config.algorithm} checkpoint ${choice.checkpoint} (${source}, k ${k}, β ${beta})`,
      dispose: () => {
        agent.dispose?.();
        for (const variable of checkpoint.parameters.values()) variable.dispose();
      },
    };
  }
  if (choice.name === 'prompted') {
    if (llm === undefined) throw needLlm('the prompted agent');
    return {
      name: 'prompted',
      // A seed per conversation: episodes differ, and one conversation replays from the cache.
      factory: ({ rng }) => createPromptedAgent({ llm, spec, seed: rng.int(0, 2 ** 31 - 1), ...(context.temperature === undefined ? {} : { temperature: context.temperature }) }),
      needsPersona: false,
      description: `prompted ${llm.model.provider}:${llm.model.model}`,
      dispose: () => undefined,
    };
  }
  const simulator = context.simulator;
  if (simulator === undefined) {
    throw new AgentSpecError(`agent "${choice.name}" is scripted for a built-in task's simulator, and task "${spec.name}" has none`, {
      hint: 'Use prompted (with --model) or NAME=CHECKPOINT_DIR for this task.',
    });
  }
  return {
    name: choice.name,
    factory: await createAgentFactory(simulator, choice, { k: context.k, beta: context.beta }),
    needsPersona: choice.name === 'oracle',
    description: choice.name,
    dispose: () => undefined,
  };
};
