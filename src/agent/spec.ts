/**
 * What an agent name means. Every command that takes `--agent` reads it here, and each name has
 * one meaning: with an LLM (`--model`), `naive` and `oracle` are that LLM prompted to act so,
 * without one they are the task's own scripted agents; `NAME=DIR` is a trained checkpoint.
 *
 * @example
 * parseAgentSpec('ilql=runs/demo/checkpoints/ilql'); // → { name: 'ilql', checkpoint: 'runs/demo/checkpoints/ilql' }
 * parseAgentSpec('prompted');                        // → { name: 'prompted' }
 */
import { ReverieError } from '../errors.ts';

export type AgentSpec = { name: string; checkpoint?: string };
/**
 * How checkpoint agents act; what is left out comes from the checkpoint's acting.json, else the
 * defaults (k 16, β 4). For a token checkpoint, k and β are the top-k and β of decoding.
 */
export type ActingOptions = {
  k?: number | undefined;
  beta?: number | undefined;
  /** False: a checkpoint with an answer-chance model acts without it (see agent/value-agent.ts); default true. */
  avoidUnanswerable?: boolean | undefined;
};

/** The agents a task's simulator plays, without an LLM. */
export const scriptedAgentNames = ['behaviour', 'naive', 'oracle'] as const;
/** Every built-in agent name; anything else needs `=CHECKPOINT_DIR`. */
export const agentNames = ['behaviour', 'naive', 'oracle', 'prompted'] as const;
export type AgentName = (typeof agentNames)[number];

/** One line per name, for `--help` and the docs. */
export const agentMeanings: Record<AgentName | 'NAME=DIR', string> = {
  behaviour: "the scripted agents of uneven quality whose conversations make up a built-in task's imagined data, one drawn per episode",
  naive: "answers at once without asking: the task's scripted agent; with --model, the LLM told to answer at once",
  oracle: "knows the user's hidden persona (an upper bound): the task's scripted agent; with --model, the LLM told the persona",
  prompted: "the LLM told the task's role and goal, with no training (needs --model)",
  'NAME=DIR': 'a trained checkpoint (ILQL, MC, BC or filtered BC; utterance- or token-level), named NAME',
};

/** The meanings as help text: one `name: meaning` line each. */
export const agentHelp = (): string => Object.entries(agentMeanings).map(([name, meaning]) => `  ${name.padEnd(9)} ${meaning}`).join('\n');

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
  if (checkpoint === undefined && !(agentNames as readonly string[]).includes(name)) {
    throw new AgentSpecError(`agent "${name}" is not built in (${agentNames.join(', ')}) and names no checkpoint`, {
      hint: `Write ${name}=CHECKPOINT_DIR to evaluate a trained model.`,
    });
  }
  return checkpoint === undefined ? { name } : { name, checkpoint };
};
