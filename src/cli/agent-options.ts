/**
 * Flags shared by the commands that talk with one agent (`chat`, `serve`): the task, the LLM
 * for prompted agents and for ILQL's proposals, ILQL's k and β, and the embeddings encoder's server.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { agentHelp } from '../agent/spec.ts';
import { createLlmClient } from '../llm/client.ts';
import type { LlmClient } from '../llm/client.ts';
import { hasSimulator, loadBuiltInTask, resolveTaskSpec } from '../tasks/registry.ts';
import type { TaskSpec } from '../task/spec.ts';
import type { TaskSimulator } from '../task/types.ts';
import { addActingEncoderOptions } from './embeddings-options.ts';
import type { EmbeddingsFlags } from './embeddings-options.ts';
import { loadLlmConfig, resolveLlmSettings } from './llm-config.ts';
import { integer, nonNegativeNumber, positiveInteger } from './options.ts';

export type AgentFlags = EmbeddingsFlags & {
  task: string;
  model?: string;
  baseUrl?: string;
  config?: string;
  timeout?: number;
  maxRetries?: number;
  cacheDir?: string;
  temperature?: number;
  k?: number;
  beta?: number;
};

export const addAgentOptions = (command: Command): Command =>
  addActingEncoderOptions(command)
    .option('--task <name|file>', 'built-in task name, or a task spec YAML file (prompted and checkpoint agents)', 'travel')
    .option('--model <provider:model>', 'LLM for the prompted agent, and for proposals a checkpoint agent chooses among (without it, a checkpoint agent chooses among the data’s utterances)')
    .option('--base-url <url>', 'base URL of an OpenAI-compatible server')
    .option('--config <file>', 'YAML/JSON file with LLM settings (model, baseURL, timeoutMs, maxRetries, cacheDir, temperature); flags win')
    .option('--timeout <ms>', 'per-request LLM timeout in ms (default 60000)', positiveInteger('--timeout'))
    .option('--max-retries <n>', 'LLM retries per request (default 5)', integer('--max-retries'))
    .option('--cache-dir <dir>', 'cache LLM replies here (default: no cache, every reply is sampled afresh)')
    .option('--temperature <x>', 'LLM sampling temperature (default 0.7 for the prompted agent, 1 for proposals)', nonNegativeNumber('--temperature'))
    .option('--k <n>', 'candidates an ILQL agent chooses among, LLM proposals or the data’s top k (default: as chosen for the checkpoint in its acting.json, else 16)', positiveInteger('--k'))
    .option('--beta <x>', 'ILQL β, the weight of the advantage against the behaviour prior (default: as chosen for the checkpoint, else 4)', nonNegativeNumber('--beta'))
    .addHelpText('after', `\nAgents:\n${agentHelp()}\n\nAPI keys come from the environment only: OPENAI_API_KEY, ANTHROPIC_API_KEY, or REVERIE_API_KEY for other servers.`);

export type TaskContext = { spec: TaskSpec; simulator?: TaskSimulator<unknown> };

export const loadTaskContext = async (nameOrFile: string): Promise<TaskContext> => {
  const spec = await resolveTaskSpec(nameOrFile);
  return hasSimulator(nameOrFile) ? { spec, simulator: await loadBuiltInTask(nameOrFile) } : { spec };
};

/** The LLM client the flags (or the config file) ask for; undefined when they name no model. */
export const llmFromFlags = async (flags: AgentFlags): Promise<{ llm: LlmClient; temperature?: number } | undefined> => {
  const config = await loadLlmConfig(flags.config);
  const settings = resolveLlmSettings(
    { model: flags.model, baseURL: flags.baseUrl, timeoutMs: flags.timeout, maxRetries: flags.maxRetries, cacheDir: flags.cacheDir, temperature: flags.temperature },
    config,
    { cacheDir: join('.reverie-cache', 'llm'), temperature: Number.NaN },
  );
  if (settings === undefined) return undefined;
  // A conversation is live: a cached reply would repeat itself, so caching is opt-in here.
  const cached = flags.cacheDir !== undefined || config.cacheDir !== undefined;
  const { cacheDir: _unused, ...uncached } = settings.client;
  const llm = createLlmClient(cached ? settings.client : uncached);
  return Number.isNaN(settings.temperature) ? { llm } : { llm, temperature: settings.temperature };
};
