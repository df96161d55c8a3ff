/**
 * The one agent builder: every command (eval, chat, serve, the demo) and the library turn an
 * agent spec into an agent here, with the meanings of spec.ts. Without an LLM, `behaviour`,
 * `naive` and `oracle` are the task's scripted agents; with one, `prompted`, `naive` and
 * `oracle` are that LLM prompted (prompted.ts). `NAME=DIR` loads a checkpoint: a token-level one
 * (a folder with reverie.json) writes its replies itself; an utterance-level one chooses among
 * the LLM's proposals when an LLM is given for them, and among the data's utterances otherwise;
 * one trained with the `embeddings` encoder calls its embedding model (checkpoint-embedder.ts).
 *
 * @example
 * const built = await buildAgent(parseAgentSpec('ilql=runs/demo/checkpoints/ilql'), { spec: task.spec, simulator: task, k: 16, beta: 4 });
 * const agent = built.factory({ rng, persona });
 * const naive = await createAgentFactory(task, { name: 'naive' }, {}); // the task's scripted naive agent
 */
import type { LlmClient } from '../llm/client.ts';
import { loadCheckpoint } from '../rl/checkpoint.ts';
import type { TaskSpec } from '../task/spec.ts';
import type { AgentFactory, TaskSimulator } from '../task/types.ts';
import { isTokenCheckpoint } from '../token/checkpoint.ts';
import { createCheckpointAgent, resolveActing } from './checkpoint-agent.ts';
import { checkpointEmbedder } from './checkpoint-embedder.ts';
import type { EmbeddingsAccess } from './checkpoint-embedder.ts';
import type { PromptPersona, PromptedKind } from './prompt.ts';
import { createPromptedAgent } from './prompted.ts';
import { createLlmProposer } from './proposals.ts';
import { AgentSpecError } from './spec.ts';
import type { ActingOptions, AgentSpec } from './spec.ts';
import { loadTokenAgent } from './token-agent.ts';

export type BuildContext = ActingOptions & {
  spec: TaskSpec;
  /** The task's simulator, for built-in tasks; its scripted agents need it. */
  simulator?: TaskSimulator<unknown> | undefined;
  /** With an LLM, `prompted`, `naive` and `oracle` are it prompted so. */
  llm?: LlmClient | undefined;
  /** Where an utterance-level checkpoint's candidates come from: 'llm' (the default when an LLM is given) or 'data'. */
  proposals?: 'llm' | 'data';
  /** Of the LLM agents (default 0.7) and of proposals (default 1). */
  temperature?: number | undefined;
  /** BC / filtered BC also report their top k (for --show-candidates and the web page). */
  reportCandidates?: boolean;
  /** How a checkpoint trained with the `embeddings` encoder reaches its model, and the encoder asked for (checked against every checkpoint). */
  embeddings?: EmbeddingsAccess | undefined;
};

export type BuiltAgent = {
  name: string;
  factory: AgentFactory<unknown>;
  /** The same agent talking through another client: the LLM evaluation counts each episode's tokens through its own. */
  factoryWith(llm: LlmClient): AgentFactory<unknown>;
  /** The oracle reads the hidden persona, so it can only talk with someone playing one. */
  needsPersona: boolean;
  /** What the agent is, for transcripts: 'naive', 'prompted openai:gpt-4o-mini', 'ilql checkpoint DIR (…)'. */
  description: string;
  dispose(): void;
};

const needLlm = (what: string): AgentSpecError =>
  new AgentSpecError(`${what} needs an LLM, and no model was given`, { hint: 'Pass --model PROVIDER:MODEL (e.g. openai:gpt-4o-mini, ollama:llama3.1), or --config FILE.' });

/** The persona as the oracle prompt takes it: an LLM persona as it is, a built-in task's persona as its description. */
const promptPersona = (persona: unknown, simulator: TaskSimulator<unknown> | undefined): PromptPersona => {
  const candidate = persona as Partial<PromptPersona> | undefined;
  if (typeof candidate?.summary === 'string' && typeof candidate.hidden === 'object' && candidate.hidden !== null) return { summary: candidate.summary, hidden: candidate.hidden };
  return { summary: simulator === undefined ? JSON.stringify(persona) : simulator.describePersona(persona), hidden: {} };
};

/** The imagined data's own behaviour: each episode is run by a behaviour agent drawn by weight. */
export const behaviourMixture = <P>(task: TaskSimulator<P>): AgentFactory<P> => (episode) => {
  const behaviour = episode.rng.fork('behaviour').weighted(task.behaviours, task.behaviours.map((candidate) => candidate.weight));
  return behaviour.create(episode);
};

const fixed = (built: Omit<BuiltAgent, 'factoryWith'>): BuiltAgent => ({ ...built, factoryWith: () => built.factory });

const buildCheckpointAgent = async (choice: AgentSpec & { checkpoint: string }, context: BuildContext): Promise<BuiltAgent> => {
  const { spec, llm } = context;
  if (await isTokenCheckpoint(choice.checkpoint)) {
    const loaded = await loadTokenAgent(choice.checkpoint, { name: choice.name, task: spec.name, k: context.k, beta: context.beta, ...(context.reportCandidates === true ? { decoding: { reportAdvantages: true } } : {}) });
    return fixed({ name: choice.name, factory: loaded.factory, needsPersona: false, description: loaded.description, dispose: loaded.dispose });
  }
  const checkpoint = await loadCheckpoint(choice.checkpoint, { task: spec.name });
  const embedder = await checkpointEmbedder(checkpoint.config.embedder, checkpoint.library, context.embeddings ?? {}, choice.checkpoint);
  const { k, beta } = resolveActing(checkpoint, context);
  const proposer = context.proposals === 'data' ? undefined : llm;
  const propose = proposer === undefined ? undefined : createLlmProposer({ llm: proposer, spec, k, ...(context.temperature === undefined ? {} : { temperature: context.temperature }) });
  const agent = createCheckpointAgent(checkpoint, {
    name: choice.name,
    k,
    beta,
    where: choice.checkpoint,
    embedder,
    ...(propose === undefined ? {} : { propose }),
    ...(context.reportCandidates === undefined ? {} : { reportCandidates: context.reportCandidates }),
    avoidUnanswerable: context.avoidUnanswerable,
  });
  const source = proposer === undefined ? 'candidates from the data' : `${k} proposals from ${proposer.model.provider}:${proposer.model.model}`;
  return fixed({
    name: choice.name,
    factory: () => agent,
    needsPersona: false,
    description: `${checkpoint.config.algorithm} checkpoint ${choice.checkpoint} (${source}, k ${k}, β ${beta})`,
    dispose: () => {
      agent.dispose?.();
      for (const variable of checkpoint.parameters.values()) variable.dispose();
    },
  });
};

const buildLlmAgent = (kind: PromptedKind, llm: LlmClient, context: BuildContext): BuiltAgent => {
  const { spec, simulator } = context;
  const factoryWith = (client: LlmClient): AgentFactory<unknown> => ({ rng, persona }) =>
    createPromptedAgent({
      llm: client,
      spec,
      kind,
      ...(kind === 'oracle' ? { persona: promptPersona(persona, simulator) } : {}),
      // A seed per conversation: episodes differ, and one conversation replays from the cache.
      seed: rng.int(0, 2 ** 31 - 1),
      ...(context.temperature === undefined ? {} : { temperature: context.temperature }),
    });
  return { name: kind, factory: factoryWith(llm), factoryWith, needsPersona: kind === 'oracle', description: `${kind} ${llm.model.provider}:${llm.model.model}`, dispose: () => undefined };
};

export const buildAgent = async (choice: AgentSpec, context: BuildContext): Promise<BuiltAgent> => {
  if (choice.checkpoint !== undefined) return buildCheckpointAgent({ ...choice, checkpoint: choice.checkpoint }, context);
  const { llm, simulator, spec } = context;
  if (choice.name === 'prompted') {
    if (llm === undefined) throw needLlm('the prompted agent');
    return buildLlmAgent('prompted', llm, context);
  }
  if (llm !== undefined && (choice.name === 'naive' || choice.name === 'oracle')) return buildLlmAgent(choice.name, llm, context);
  if (simulator === undefined) {
    throw new AgentSpecError(`agent "${choice.name}" is scripted for a built-in task's own simulated users, and there are none here (task "${spec.name}"${llm === undefined ? ' has no simulator' : ' is played by an LLM'})`, {
      hint: llm === undefined ? 'Use prompted, naive or oracle with --model, or NAME=CHECKPOINT_DIR.' : 'With --model, use prompted, naive, oracle or NAME=CHECKPOINT_DIR.',
    });
  }
  const factory = choice.name === 'naive' ? simulator.naive : choice.name === 'oracle' ? simulator.oracle : behaviourMixture(simulator);
  return fixed({ name: choice.name, factory, needsPersona: choice.name === 'oracle', description: choice.name, dispose: () => undefined });
};

/** The factory of an agent for a built-in task offline (no LLM): its scripted agents, or a checkpoint. */
export const createAgentFactory = async <P>(task: TaskSimulator<P>, spec: AgentSpec, acting: ActingOptions): Promise<AgentFactory<P>> =>
  (await buildAgent(spec, { spec: task.spec, simulator: task as TaskSimulator<unknown>, ...acting })).factory as AgentFactory<P>;
