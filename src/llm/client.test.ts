import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sequence, startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { Script, ScriptedReply, ScriptedServer } from '../../test/support/scripted-llm-server.ts';
import { createLlmClient } from './client.ts';
import type { LlmClientOptions } from './client.ts';
import { LlmOutputError } from './errors.ts';
import { parseModelRef } from './model-ref.ts';

const KEY = 'sk-test-SECRET-0123456789';
const Persona = z.object({ name: z.string(), age: z.number().int() });

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: Script | ScriptedReply[], options: Partial<LlmClientOptions> = {}) {
  server = await startScriptedServer(script);
  const llm = createLlmClient({
    model: parseModelRef('openai:gpt-test', { baseURL: server.baseURL }),
    env: { OPENAI_API_KEY: KEY },
    sleep: async () => undefined,
    ...options,
  });
  return { server, llm };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('plain completions through the openai client', () => {
  it('sends the request and returns text, usage and model', async () => {
    const { server, llm } = await setup([{ text: 'Hello there', usage: { inputTokens: 12, outputTokens: 3 }, model: 'gpt-test-2025' }]);
    const completion = await llm.complete({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.7,
      maxTokens: 50,
      seed: 42,
      purpose: 'greeting',
    });
    expect(completion).toEqual({
      text: 'Hello there',
      usage: { inputTokens: 12, outputTokens: 3 },
      cached: false,
      model: 'gpt-test-2025',
      attempts: 1,
      truncated: false,
    });
    expect(server.requests).toHaveLength(1);
    const { body, headers } = server.requests[0]!;
    expect(body).toEqual({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.7,
      max_completion_tokens: 50,
      seed: 42,
    });
    expect(headers.authorization).toBe(`Bearer ${KEY}`);
    const usage = llm.usage();
    expect(usage).toMatchObject({ calls: 1, cachedCalls: 0, failedCalls: 0, requests: 1, retries: 0, inputTokens: 12, outputTokens: 3, costUsd: undefined });
    expect(usage.byPurpose.greeting).toMatchObject({ calls: 1, inputTokens: 12, outputTokens: 3 });
  });

  it('estimates cost from prices', async () => {
    const { llm } = await setup([{ text: 'ok', usage: { inputTokens: 1_000_000, outputTokens: 500_000 } }], {
      prices: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    });
    await llm.complete({ messages: [{ role: 'user', content: 'x' }] });
    expect(llm.usage().costUsd).toBeCloseTo(0.45, 10);
  });

  it('talks to a keyless compatible server without an Authorization header, using max_tokens', async () => {
    server = await startScriptedServer([{ text: 'local' }]);
    const llm = createLlmClient({ model: parseModelRef('ollama:llama3:8b', { baseURL: server.baseURL }), env: {} });
    const completion = await llm.complete({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 20 });
    expect(completion.text).toBe('local');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.body).toMatchObject({ model: 'llama3:8b', max_tokens: 20 });
    expect(server.requests[0]!.body.max_completion_tokens).toBeUndefined();
  });

  it('sends REVERIE_API_KEY to a compatible server when it is set', async () => {
    server = await startScriptedServer([{ text: 'ok' }]);
    const llm = createLlmClient({ model: parseModelRef('vllm:m', { baseURL: server.baseURL }), env: { REVERIE_API_KEY: 'local-key' } });
    await llm.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer local-key');
  });

  it('reports a reply cut off at the token limit', async () => {
    const { llm } = await setup([{ text: 'Once upon a', finishReason: 'length' }]);
    const completion = await llm.complete({ messages: [{ role: 'user', content: 'story' }], maxTokens: 3 });
    expect(completion).toMatchObject({ text: 'Once upon a', truncated: true });
  });

  it('rejects an invalid request before sending anything', async () => {
    const { server, llm } = await setup([{ text: 'never' }]);
    const error = await rejection(llm.complete({ messages: [] }));
    expect(error).toMatchObject({ name: 'LlmConfigError' });
    await expect(llm.complete({ messages: [{ role: 'user', content: 'x' }], temperature: 3 })).rejects.toMatchObject({ name: 'LlmConfigError' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('structured output', () => {
  const ask = { messages: [{ role: 'user' as const, content: 'Invent a person.' }], schema: { name: 'persona', schema: Persona } };

  it('asks for strict json_schema, instructs in the system prompt, and returns the typed value', async () => {
    const { server, llm } = await setup([{ text: '{"name":"Ada","age":36}' }]);
    const completion = await llm.complete(ask);
    const value: { name: string; age: number } | undefined = completion.value;
    expect(value).toEqual({ name: 'Ada', age: 36 });
    const body = server.requests[0]!.body;
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'persona', strict: true, schema: expect.objectContaining({ type: 'object', required: ['name', 'age'], additionalProperties: false }) },
    });
    expect(JSON.stringify(body.response_format)).not.toContain('$schema');
    expect(body.messages[0]!.role).toBe('system');
    expect(body.messages[0]!.content).toContain('JSON Schema');
    expect(body.messages[1]).toEqual({ role: 'user', content: 'Invent a person.' });
  });

  it('appends the instruction to an existing system message', async () => {
    const { server, llm } = await setup([{ text: '{"name":"Ada","age":36}' }]);
    await llm.complete({ ...ask, messages: [{ role: 'system', content: 'You write personas.' }, ...ask.messages] });
    const messages = server.requests[0]!.body.messages;
    expect(messages).toHaveLength(2);
    expect(messages[0]!.content.startsWith('You write personas.\n\n')).toBe(true);
  });

  it('finds JSON in code fences and in prose', async () => {
    const { llm } = await setup([
      { text: 'Sure! Here you go:\n```json\n{"name":"Bo","age":7}\n```\nAnything else?' },
      { text: 'The person is {"name":"Cy","age":70} as requested. [done]' },
    ]);
    expect((await llm.complete(ask)).value).toEqual({ name: 'Bo', age: 7 });
    expect((await llm.complete(ask)).value).toEqual({ name: 'Cy', age: 70 });
  });

  it('re-asks once with the zod error when a field is missing, then succeeds', async () => {
    const { server, llm } = await setup([
      { text: '{"name":"Ada"}', usage: { inputTokens: 10, outputTokens: 4 } },
      { text: '{"name":"Ada","age":36}', usage: { inputTokens: 20, outputTokens: 6 } },
    ]);
    const completion = await llm.complete(ask);
    expect(completion).toMatchObject({ value: { name: 'Ada', age: 36 }, attempts: 2, usage: { inputTokens: 30, outputTokens: 10 } });
    const repair = server.requests[1]!.body.messages;
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: '{"name":"Ada"}' });
    expect(repair.at(-1)!.role).toBe('user');
    expect(repair.at(-1)!.content).toContain('age');
    expect(llm.usage()).toMatchObject({ repairs: 1, requests: 2, inputTokens: 30, outputTokens: 10 });
  });

  it('throws LlmOutputError with every raw reply when the repair fails too', async () => {
    const { server, llm } = await setup([{ text: 'I would rather not.' }, { text: '{"name": 5}' }]);
    const error = await rejection(llm.complete(ask));
    expect(error).toBeInstanceOf(LlmOutputError);
    const output = error as LlmOutputError;
    expect(output.rawTexts).toEqual(['I would rather not.', '{"name": 5}']);
    expect(output.rawText).toBe('{"name": 5}');
    expect(output.issues.map((issue) => issue.path.join('.'))).toEqual(['name', 'age']);
    expect(output.truncated).toBe(false);
    expect(output.hint).toBeDefined();
    expect(server.requests).toHaveLength(2);
    expect(llm.usage()).toMatchObject({ calls: 1, failedCalls: 1, repairs: 1 });
  });

  it('reports a truncated JSON reply as truncated, without a repair', async () => {
    const { server, llm } = await setup([{ text: '{"name":"Ad', finishReason: 'length' }]);
    const error = (await rejection(llm.complete({ ...ask, maxTokens: 5 }))) as LlmOutputError;
    expect(error).toBeInstanceOf(LlmOutputError);
    expect(error.truncated).toBe(true);
    expect(error.message).toContain('cut off');
    expect(error.rawText).toBe('{"name":"Ad');
    expect(server.requests).toHaveLength(1);
  });

  it('falls back to strict: false, then to no response_format, when a server refuses them with 400, for the rest of the client', async () => {
    const script: Script = (body) =>
      body.response_format === undefined ? { text: '{"name":"Ada","age":1}' } : { status: 400, body: { error: { message: "Unknown parameter: 'response_format'" } } };
    const { server, llm } = await setup(script);
    expect((await llm.complete(ask)).value).toEqual({ name: 'Ada', age: 1 });
    expect((await llm.complete({ ...ask, seed: 2 })).attempts).toBe(1);
    const strictness = server.requests.map((request) => (request.body.response_format as { json_schema?: { strict?: boolean } } | undefined)?.json_schema?.strict ?? 'none');
    expect(strictness).toEqual([true, false, 'none', 'none']);
    // Without response_format the prompt still carries the schema.
    expect(server.requests[1]!.body.messages[0]!.content).toContain('"age"');
  });

  it('keeps asking strictly when strict mode works, and only the schema when strict mode was refused', async () => {
    const script: Script = (body) =>
      (body.response_format as { json_schema: { strict: boolean } }).json_schema.strict ? { status: 400, body: { error: { message: 'strict is not supported' } } } : { text: '{"name":"Ada","age":1}' };
    const { server, llm } = await setup(script);
    await llm.complete(ask);
    await llm.complete({ ...ask, seed: 2 });
    const strictness = server.requests.map((request) => (request.body.response_format as { json_schema: { strict: boolean } }).json_schema.strict);
    expect(strictness).toEqual([true, false, false]);
  });

  it('sends strict: false with the plain schema when the schema has no strict form (an open record)', async () => {
    const { server, llm } = await setup([{ text: '{"traits":{"a":"b"}}' }]);
    await llm.complete({ messages: [{ role: 'user', content: 'x' }], schema: { name: 'traits', schema: z.object({ traits: z.record(z.string(), z.string()) }) } });
    expect(server.requests[0]!.body.response_format).toMatchObject({ json_schema: { strict: false, schema: { properties: { traits: { additionalProperties: { type: 'string' } } } } } });
  });

  it('does not drop response_format when the 400 was about something else', async () => {
    const { server, llm } = await setup([{ status: 400, body: { error: { message: 'bad temperature' } } }]);
    await expect(llm.complete(ask)).rejects.toMatchObject({ name: 'LlmHttpError', status: 400, serverMessage: 'bad temperature' });
    expect(server.requests).toHaveLength(3);
    server.requests.length = 0;
    await expect(llm.complete(ask)).rejects.toMatchObject({ status: 400 });
    expect(server.requests[0]!.body.response_format).toBeDefined();
  });

  it('applies schema defaults and transforms to the value', async () => {
    const schema = z.object({ words: z.string().transform((text) => text.split(' ')), tone: z.string().default('neutral') });
    const { llm } = await setup([{ text: '{"words":"a b c"}' }]);
    const completion = await llm.complete({ messages: [{ role: 'user', content: 'x' }], schema: { name: 'words', schema } });
    expect(completion.value).toEqual({ words: ['a', 'b', 'c'], tone: 'neutral' });
  });
});

describe('the scripted server helper', () => {
  it('plays a sequence and repeats its last reply', async () => {
    const script = sequence({ text: 'a' }, { text: 'b' });
    const { llm } = await setup(script);
    const texts = [];
    for (let i = 0; i < 3; i++) texts.push((await llm.complete({ messages: [{ role: 'user', content: String(i) }] })).text);
    expect(texts).toEqual(['a', 'b', 'b']);
  });
});
