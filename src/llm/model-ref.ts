/**
 * Model references: `provider:model` strings as written on a command line or in a config, and
 * the API key each provider reads from the environment (never from flags, never logged).
 *
 * @example
 * parseModelRef('openai:gpt-4o-mini');            // { provider: 'openai', model: 'gpt-4o-mini' }
 * parseModelRef('ollama:llama3:8b');              // { provider: 'openai-compatible', model: 'llama3:8b', baseURL: 'http://127.0.0.1:11434/v1' }
 * parseModelRef('openai-compatible:qwen', { baseURL: 'http://gpu-box:8000/v1' });
 * resolveApiKey(ref, process.env);                 // the key, or undefined for a keyless local server
 */
import { z } from 'zod';
import { LlmConfigError } from './errors.ts';

export type Provider = 'openai' | 'anthropic' | 'openai-compatible';

export type ModelRef = { provider: Provider; model: string; baseURL?: string };

export const PROVIDERS: readonly Provider[] = ['openai', 'anthropic', 'openai-compatible'];

/** Local servers that speak OpenAI's API, with the base URL they listen on out of the box. */
export const LOCAL_SERVER_ALIASES: Readonly<Record<string, string>> = {
  ollama: 'http://127.0.0.1:11434/v1',
  vllm: 'http://127.0.0.1:8000/v1',
  lmstudio: 'http://127.0.0.1:1234/v1',
  llamacpp: 'http://127.0.0.1:8080/v1',
};

/** Where each provider's key is read from. Compatible servers often need none. */
export const API_KEY_VARIABLES: Readonly<Record<Provider, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  'openai-compatible': 'REVERIE_API_KEY',
};

const EXAMPLES = 'e.g. openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, ollama:llama3';

const HttpUrl = z.url({ protocol: /^https?$/ });

function checkBaseURL(text: string, spec: string): string {
  const trimmed = text.trim();
  if (!HttpUrl.safeParse(trimmed).success) {
    throw new LlmConfigError(`model ${spec}: base URL "${text}" is not an http(s) URL`, {
      hint: 'Pass the server address including the API prefix, e.g. http://127.0.0.1:8000/v1.',
    });
  }
  // One spelling per server, so `…/v1` and `…/v1/` are the same reference.
  return trimmed.replace(/\/+$/, '');
}

/**
 * Parse `provider:model`. The model is everything after the first colon, so tags such as
 * `ollama:llama3:8b` survive. `options.baseURL` overrides a provider's default; it is required
 * for `openai-compatible`, whose aliases (ollama, vllm, lmstudio, llamacpp) bring their own.
 */
export function parseModelRef(spec: string, options: { baseURL?: string } = {}): ModelRef {
  const colon = spec.indexOf(':');
  if (colon < 0) {
    throw new LlmConfigError(`model "${spec}" does not name a provider`, {
      hint: `Write provider:model, ${EXAMPLES}.`,
    });
  }
  const prefix = spec.slice(0, colon).trim().toLowerCase();
  const model = spec.slice(colon + 1).trim();
  if (model === '') {
    throw new LlmConfigError(`model "${spec}" has no model name after "${prefix}:"`, {
      hint: `Write provider:model, ${EXAMPLES}.`,
    });
  }
  const given = options.baseURL === undefined ? undefined : checkBaseURL(options.baseURL, spec);

  const aliasURL = LOCAL_SERVER_ALIASES[prefix];
  if (aliasURL !== undefined) return { provider: 'openai-compatible', model, baseURL: given ?? aliasURL };

  if (!(PROVIDERS as readonly string[]).includes(prefix)) {
    const known = [...PROVIDERS, ...Object.keys(LOCAL_SERVER_ALIASES)].join(', ');
    throw new LlmConfigError(`model "${spec}": unknown provider "${prefix}"`, {
      hint: `Use one of ${known}; any server with OpenAI's API works as openai-compatible with a base URL.`,
    });
  }
  const provider = prefix as Provider;
  if (provider === 'openai-compatible' && given === undefined) {
    throw new LlmConfigError(`model "${spec}": openai-compatible needs the server's base URL`, {
      hint: 'Pass a base URL such as http://127.0.0.1:8000/v1, or use an alias with a default: ollama:, vllm:, lmstudio:, llamacpp:.',
    });
  }
  return given === undefined ? { provider, model } : { provider, model, baseURL: given };
}

/** The `provider:model` spelling of a reference (the base URL is not part of it). */
export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}:${ref.model}`;
}

/**
 * The API key for `ref` from `env`. openai and anthropic must have one; a compatible server
 * gets REVERIE_API_KEY when set and no key otherwise. Blank values count as missing.
 */
export function resolveApiKey(ref: ModelRef, env: NodeJS.ProcessEnv): string | undefined {
  const variable = API_KEY_VARIABLES[ref.provider];
  const value = env[variable]?.trim();
  if (value !== undefined && value !== '') return value;
  if (ref.provider === 'openai-compatible') return undefined;
  throw new LlmConfigError(`${formatModelRef(ref)} needs an API key, and ${variable} is not set`, {
    hint: `Export ${variable} in the environment (keys are never read from flags or files).`,
  });
}
