/**
 * Names the agents a command can evaluate: the task's scripted ones (`naive`, `oracle`,
 * `behaviour`) and trained ones from a checkpoint folder (`ilql=run/checkpoints/ilql`; the
 * checkpoint says whether it is ILQL, BC or filtered BC, utterance- or token-level).
 *
 * @example
 * const factory = await createAgentFactory(task, parseAgentSpec('ilql=run/checkpoints/ilql'), { k: 16, beta: 4 });
 */
import { ReverieError } from '../errors.ts';
import { createCheckpointAgent } from './checkpoint-agent.ts';
import { loadTokenAgent } from './token-agent.ts';
import { loadCheckpoint } from '../rl/checkpoint.ts';
import type { LoadedCheckpoint } from '../rl/checkpoint.ts';
import { isTokenCheckpoint } from '../token/checkpoint.ts';
import type { AgentFactory, TaskSimulator } from '../task/types.ts';

export type AgentSpec = { name: string; checkpoint?: string };
/** k and β for checkpoint agents; what is left out comes from the checkpoint's acting.json, else the defaults. */
export type ActingOptions = { k?: number | undefined; beta?: number | undefined };

export const scriptedAgentNames = ['behaviour', 'naive', 'oracle'] as const;

export class AgentSpecError extends ReverieError {
  override readonly name = 'AgentSpecError';
}

export const parseAgentSpec = (text: string): AgentSpec => {
  const at = text.indexOf('=');
  const name = at < 0 ? text : text.slice(0, at);
  const checkpoint = at < 0 ? undefined : text.slice(at + 1);
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new AgentSpecError(`agent "${text}": the name must be lowercase letters, digits and dashes`, { hint: 'Write NAME or NAME=CHECKPOINT_DIR, e.g. ilql=run/checkpoints/ilql.' });
  }
  if (checkpoint === undefined && !(scriptedAgentNames as readonly string[]).includes(name)) {
    throw new AgentSpecError(`agent "${name}" is not built in (${scriptedAgentNames.join(', ')}) and names no checkpoint`, {
      hint: `Write ${name}=CHECKPOINT_DIR to evaluate a trained model.`,
    });
  }
  return checkpoint === undefined ? { name } : { name, checkpoint };
};

/** An agent from a loaded checkpoint: BC and filtered BC follow π_β, ILQL chooses by advantage. */
export const checkpointAgentFactory = <P>(name: string, checkpoint: LoadedCheckpoint, acting: ActingOptions): AgentFactory<P> => {
  const agent = createCheckpointAgent(checkpoint, { name, k: acting.k, beta: acting.beta });
  return () => agent;
};

export const createAgentFactory = async <P>(task: TaskSimulator<P>, spec: AgentSpec, acting: ActingOptions): Promise<AgentFactory<P>> => {
  if (spec.checkpoint !== undefined && (await isTokenCheckpoint(spec.checkpoint))) {
    // Lives as long as the command: one evaluation, then the process exits.
    return (await loadTokenAgent(spec.checkpoint, { name: spec.name, task: task.spec.name, k: acting.k, beta: acting.beta })).factory;
  }
  if (spec.checkpoint !== undefined) {
    return checkpointAgentFactory(spec.name, await loadCheckpoint(spec.checkpoint, { task: task.spec.name }), acting);
  }
  if (spec.name === 'naive') return task.naive;
  if (spec.name === 'oracle') return task.oracle;
  return behaviourMixture(task);
};

/** The imagined data's own behaviour: each episode is run by a behaviour agent drawn by weight. */
export const behaviourMixture = <P>(task: TaskSimulator<P>): AgentFactory<P> => (episode) => {
  const behaviour = episode.rng.fork('behaviour').weighted(task.behaviours, task.behaviours.map((candidate) => candidate.weight));
  return behaviour.create(episode);
};
