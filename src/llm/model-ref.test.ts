import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLlmClient } from './client.ts';
import { LlmConfigError } from './errors.ts';
import type { ModelRef } from './model-ref.ts';
import { formatModelRef, LOCAL_SERVER_ALIASES, parseModelRef, PROVIDERS, resolveApiKey } from './model-ref.ts';

function configError(run: () => unknown): LlmConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LlmConfigError);
    return error as LlmConfigError;
  }
  throw new Error('expected an LlmConfigError');
}

describe('parseModelRef', () => {
  it('parses the three providers', () => {
    expect(parseModelRef('openai:gpt-4o-mini')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(parseModelRef('anthropic:claude-sonnet-4-5')).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(parseModelRef('openai-compatible:llama3', { baseURL: 'http://gpu:8000/v1/' })).toEqual({
      provider: 'openai-compatible',
      model: 'llama3',
      baseURL: 'http://gpu:8000/v1',
    });
    expect(parseModelRef('openai:gpt-4o', { baseURL: 'https://proxy.example/v1' })).toEqual({ provider: 'openai', model: 'gpt-4o', baseURL: 'https://proxy.example/v1' });
  });

  it('expands local server aliases with their default base URLs, which a given one overrides', () => {
    expect(parseModelRef('ollama:llama3')).toEqual({ provider: 'openai-compatible', model: 'llama3', baseURL: 'http://127.0.0.1:11434/v1' });
    expect(parseModelRef('vllm:Qwen/Qwen2.5-7B').baseURL).toBe('http://127.0.0.1:8000/v1');
    expect(parseModelRef('lmstudio:m').baseURL).toBe('http://127.0.0.1:1234/v1');
    expect(parseModelRef('llamacpp:m').baseURL).toBe('http://127.0.0.1:8080/v1');
    expect(parseModelRef('ollama:llama3', { baseURL: 'http://box:11434/v1' }).baseURL).toBe('http://box:11434/v1');
  });

  it('keeps colons in the model name and ignores case and spaces in the provider', () => {
    expect(parseModelRef('ollama:llama3:8b-instruct').model).toBe('llama3:8b-instruct');
    expect(parseModelRef(' OpenAI : gpt-4o ')).toEqual({ provider: 'openai', model: 'gpt-4o' });
  });

  it('rejects malformed references with hints', () => {
    expect(configError(() => parseModelRef('gpt-4o')).hint).toContain('provider:model');
    expect(configError(() => parseModelRef('openai:')).message).toContain('no model name');
    const unknown = configError(() => parseModelRef('mistral:large'));
    expect(unknown.message).toContain('unknown provider "mistral"');
    expect(unknown.hint).toContain('ollama');
    expect(configError(() => parseModelRef('openai-compatible:llama3')).hint).toContain('base URL');
    expect(configError(() => parseModelRef('openai:gpt-4o', { baseURL: 'not a url' })).message).toContain('not an http(s) URL');
    expect(configError(() => parseModelRef('vllm:m', { baseURL: 'file:///etc/passwd' })).message).toContain('not an http(s) URL');
  });

  it('round-trips through formatModelRef', () => {
    const name = fc
      .string({ minLength: 1, maxLength: 30 })
      .map((text) => text.trim())
      .filter((text) => text !== '');
    const url = fc.constantFrom('http://127.0.0.1:8000/v1', 'https://api.example.com/v1', 'http://[::1]:11434');
    const ref: fc.Arbitrary<ModelRef> = fc.oneof(
      fc.record({ provider: fc.constantFrom<'openai' | 'anthropic'>('openai', 'anthropic'), model: name }),
      fc.record({ provider: fc.constantFrom<'openai' | 'anthropic'>('openai', 'anthropic'), model: name, baseURL: url }),
      fc.record({ provider: fc.constant<'openai-compatible'>('openai-compatible'), model: name, baseURL: url }),
    );
    fc.assert(
      fc.property(ref, (original) => {
        const again = parseModelRef(formatModelRef(original), original.baseURL === undefined ? {} : { baseURL: original.baseURL });
        expect(again).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });

  it('lists every provider and alias in the unknown-provider hint', () => {
    const hint = configError(() => parseModelRef('x:y')).hint ?? '';
    for (const name of [...PROVIDERS, ...Object.keys(LOCAL_SERVER_ALIASES)]) expect(hint).toContain(name);
  });
});

describe('resolveApiKey', () => {
  it('reads each provider’s variable', () => {
    expect(resolveApiKey(parseModelRef('openai:m'), { OPENAI_API_KEY: 'sk-1' })).toBe('sk-1');
    expect(resolveApiKey(parseModelRef('anthropic:m'), { ANTHROPIC_API_KEY: 'sk-ant' })).toBe('sk-ant');
    expect(resolveApiKey(parseModelRef('ollama:m'), { REVERIE_API_KEY: 'local' })).toBe('local');
    expect(resolveApiKey(parseModelRef('ollama:m'), { OPENAI_API_KEY: 'sk-1' })).toBeUndefined();
  });

  it('names the missing variable, and treats a blank value as missing', () => {
    const openai = configError(() => resolveApiKey(parseModelRef('openai:m'), {}));
    expect(openai.message).toContain('OPENAI_API_KEY');
    expect(openai.hint).toContain('OPENAI_API_KEY');
    expect(configError(() => resolveApiKey(parseModelRef('anthropic:m'), { ANTHROPIC_API_KEY: '  ' })).message).toContain('ANTHROPIC_API_KEY');
  });

  it('makes createLlmClient fail fast without a key', () => {
    const error = configError(() => createLlmClient({ model: parseModelRef('anthropic:claude-sonnet-4-5'), env: {} }));
    expect(error.message).toContain('ANTHROPIC_API_KEY');
  });

  it('rejects invalid client options', () => {
    const error = configError(() => createLlmClient({ model: parseModelRef('ollama:m'), env: {}, concurrency: 0 }));
    expect(error.message).toContain('concurrency');
  });
});
