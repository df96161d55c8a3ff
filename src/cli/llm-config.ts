/**
 * LLM settings for commands that call a model: from flags, from a YAML/JSON config file, or
 * defaults — in that order of precedence. API keys are never settings: they come from the
 * environment only (see src/llm/model-ref.ts), so a config file can be committed safely.
 *
 * @example
 * # reverie.config.yaml
 * model: openai-compatible:llama3.1
 * baseURL: http://127.0.0.1:11434/v1
 * concurrency: 4
 */
import { definedOnly } from '../util/defined.ts';
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { z } from 'zod';
import { ReverieError } from '../errors.ts';
import type { LlmClientOptions } from '../llm/client.ts';
import { parseModelRef } from '../llm/model-ref.ts';
import { integer, nonNegativeNumber, positiveInteger } from './options.ts';

export const llmConfigSchema = z
  .object({
    model: z.string().min(1).optional(),
    baseURL: z.string().url().optional(),
    concurrency: z.number().int().min(1).optional(),
    timeoutMs: z.number().positive().optional(),
    maxRetries: z.number().int().min(0).optional(),
    cacheDir: z.string().min(1).optional(),
    prices: z.object({ inputPerMillion: z.number().nonnegative(), outputPerMillion: z.number().nonnegative() }).strict().optional(),
    temperature: z.number().min(0).max(2).optional(),
    structuredOutput: z.enum(['strict', 'schema', 'prompt']).optional(),
  })
  .strict();
export type LlmConfig = z.infer<typeof llmConfigSchema>;

export class ConfigFileError extends ReverieError {
  override readonly name = 'ConfigFileError';
}

export const loadLlmConfig = async (file: string | undefined): Promise<LlmConfig> => {
  if (file === undefined) return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigFileError(`${file}: cannot read the config file (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, { hint: 'Check the path given to --config.' });
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (cause) {
    throw new ConfigFileError(`${file}: ${(cause as Error).message.split('\n')[0]}`, { hint: 'The config file is YAML (or JSON).' });
  }
  const result = llmConfigSchema.safeParse(data ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const keys = issue?.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    throw new ConfigFileError(`${file}: ${issue?.path.join('.') || 'config'}: ${issue?.message ?? 'invalid'}${keys}`, {
      hint: 'Allowed keys: model, baseURL, concurrency, timeoutMs, maxRetries, cacheDir, prices, temperature, structuredOutput. API keys belong in the environment, never in this file.',
    });
  }
  return result.data;
};

/** Flags win over the file; `undefined` flags fall through to it, then to the defaults. */
export const resolveLlmSettings = (flags: LlmConfig, file: LlmConfig, defaults: { cacheDir: string; temperature: number }) => {
  const merged = { ...file, ...definedOnly(flags) } as LlmConfig;
  if (merged.model === undefined) return undefined;
  const client: Omit<LlmClientOptions, 'env'> = {
    model: parseModelRef(merged.model, merged.baseURL === undefined ? {} : { baseURL: merged.baseURL }),
    cacheDir: merged.cacheDir ?? defaults.cacheDir,
    ...(merged.concurrency === undefined ? {} : { concurrency: merged.concurrency }),
    ...(merged.timeoutMs === undefined ? {} : { timeoutMs: merged.timeoutMs }),
    ...(merged.maxRetries === undefined ? {} : { maxRetries: merged.maxRetries }),
    ...(merged.prices === undefined ? {} : { prices: merged.prices }),
    ...(merged.structuredOutput === undefined ? {} : { structuredOutput: merged.structuredOutput }),
  };
  return { client, temperature: merged.temperature ?? defaults.temperature };
};

/** The LLM flags every command that calls a model takes, as commander gives them. */
export type LlmFlags = {
  model?: string;
  baseUrl?: string;
  config?: string;
  concurrency?: number;
  timeout?: number;
  maxRetries?: number;
  cacheDir?: string;
  priceIn?: number;
  priceOut?: number;
  temperature?: number;
  structuredOutput?: 'strict' | 'schema' | 'prompt';
};

const structuredMode = (value: string): 'strict' | 'schema' | 'prompt' => {
  if (value === 'strict' || value === 'schema' || value === 'prompt') return value;
  throw new InvalidArgumentError(`--structured-output must be strict, schema or prompt, got "${value}"`);
};

/** Adds the LLM flags; `use` says what the model is for, e.g. 'imagine with an LLM'. */
export const addLlmOptions = (command: Command, use: string, temperatureUse = 'sampling temperature (default 1)'): Command =>
  command
    .option('--model <provider:model>', `${use}: openai:…, anthropic:…, openai-compatible:… (with --base-url), ollama:…, vllm:…`)
    .option('--base-url <url>', 'base URL of an OpenAI-compatible server')
    .option('--config <file>', 'YAML/JSON file with LLM settings (model, baseURL, concurrency, timeoutMs, maxRetries, cacheDir, prices, temperature); flags win')
    .option('--concurrency <n>', 'LLM requests in flight at once (default 8)', positiveInteger('--concurrency'))
    .option('--timeout <ms>', 'per-request timeout in ms (default 60000)', positiveInteger('--timeout'))
    .option('--max-retries <n>', 'retries per request on 429, 5xx and timeouts (default 5)', integer('--max-retries'))
    .option('--cache-dir <dir>', 'response cache (default .reverie-cache/llm)')
    .option('--price-in <usd>', 'USD per million input tokens, for the cost estimate', nonNegativeNumber('--price-in'))
    .option('--price-out <usd>', 'USD per million output tokens, for the cost estimate', nonNegativeNumber('--price-out'))
    .option('--temperature <x>', temperatureUse, nonNegativeNumber('--temperature'))
    .option('--structured-output <mode>', 'how JSON replies are asked for: strict (the task-built schema, strict where the server allows; default), schema (as a hint only) or prompt (instructions and a repair re-ask only)', structuredMode)
    .addHelpText('after', '\nAPI keys come from the environment only: OPENAI_API_KEY, ANTHROPIC_API_KEY, or REVERIE_API_KEY for other servers.');

/** Settings from the flags and the --config file; undefined when neither names a model. */
export const llmSettingsFromFlags = async (flags: LlmFlags, defaults: { cacheDir: string; temperature: number }) => {
  const config = await loadLlmConfig(flags.config);
  const prices = flags.priceIn === undefined && flags.priceOut === undefined ? undefined : { inputPerMillion: flags.priceIn ?? 0, outputPerMillion: flags.priceOut ?? 0 };
  return resolveLlmSettings(
    { model: flags.model, baseURL: flags.baseUrl, concurrency: flags.concurrency, timeoutMs: flags.timeout, maxRetries: flags.maxRetries, cacheDir: flags.cacheDir, prices, temperature: flags.temperature, structuredOutput: flags.structuredOutput },
    config,
    defaults,
  );
};
