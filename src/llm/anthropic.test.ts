import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { ScriptedReply, ScriptedServer } from '../../test/support/scripted-llm-server.ts';
import { ANTHROPIC_DEFAULT_MAX_TOKENS } from './anthropic-transport.ts';
import { createLlmClient } from './client.ts';
import type { LlmClientOptions } from './client.ts';
import { LlmHttpError, LlmOutputError } from './errors.ts';
import { parseModelRef } from './model-ref.ts';

const KEY = 'sk-ant-test-SECRET-42';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(replies: ScriptedReply[], options: Partial<LlmClientOptions> = {}) {
  server = await startScriptedServer(replies);
  const llm = createLlmClient({
    // The Anthropic SDK appends /v1/messages itself, so it gets the bare origin.
    model: parseModelRef('anthropic:claude-test', { baseURL: server.origin }),
    env: { ANTHROPIC_API_KEY: KEY },
    sleep: async () => undefined,
    ...options,
  });
  return { server, llm };
}

describe('anthropic through @anthropic-ai/sdk', () => {
  it('maps system messages, max_tokens, temperature and the key header', async () => {
    const { server, llm } = await setup([{ text: 'Bonjour', usage: { inputTokens: 9, outputTokens: 2 } }]);
    const completion = await llm.complete({
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Salut' },
        { role: 'user', content: 'Again' },
      ],
      temperature: 0.3,
      seed: 5,
    });
    expect(completion).toEqual({ text: 'Bonjour', usage: { inputTokens: 9, outputTokens: 2 }, cached: false, model: 'claude-test', attempts: 1, truncated: false });
    const request = server.requests[0]!;
    expect(request.endpoint).toBe('messages');
    // x-api-key is what the API and most proxies read; the SDK adds the key as a bearer token too.
    expect(request.headers['x-api-key']).toBe(KEY);
    expect(request.headers['anthropic-version']).toBeDefined();
    expect(request.body).toEqual({
      model: 'claude-test',
      max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS,
      system: 'Answer in French.',
      temperature: 0.3,
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Salut' },
        { role: 'user', content: 'Again' },
      ],
    });
  });

  it('passes maxTokens and reports stop_reason max_tokens as truncated', async () => {
    const { server, llm } = await setup([{ text: 'Once', finishReason: 'length' }]);
    const completion = await llm.complete({ messages: [{ role: 'user', content: 'story' }], maxTokens: 1 });
    expect(completion.truncated).toBe(true);
    expect(server.requests[0]!.body.max_tokens).toBe(1);
    expect(server.requests[0]!.body.system).toBeUndefined();
  });

  it('forces a tool whose input_schema is the schema, reads the tool call, and repairs', async () => {
    const { server, llm } = await setup([{ text: 'Here: {"mood":"calm"' }, { text: '{"mood":"calm"}' }]);
    const completion = await llm.complete({
      messages: [
        { role: 'system', content: 'You judge moods.' },
        { role: 'user', content: 'How is it?' },
      ],
      schema: { name: 'mood', schema: z.object({ mood: z.enum(['calm', 'tense']) }) },
    });
    expect(completion.value).toEqual({ mood: 'calm' });
    const [first, repair] = server.requests;
    expect(first!.body.response_format).toBeUndefined();
    expect(first!.body.tool_choice).toEqual({ type: 'tool', name: 'mood' });
    expect(first!.body.tools).toEqual([expect.objectContaining({ name: 'mood', input_schema: expect.objectContaining({ type: 'object', properties: { mood: { type: 'string', enum: ['calm', 'tense'] } } }) })]);
    // The prompt asks for the JSON too, for proxies that drop tools.
    expect(first!.body.system).toMatch(/^You judge moods\.\n\nAnswer with a single JSON value named "mood"/);
    expect(first!.body.system).toContain('"enum":["calm","tense"]');
    expect(repair!.body.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('retries 429 and 529 overloaded, then reports a 400 with the server message', async () => {
    const { server, llm } = await setup([
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
      { text: 'ok' },
      { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'messages: roles must alternate' } } },
    ]);
    expect(await llm.complete({ messages: [{ role: 'user', content: 'a' }] })).toMatchObject({ text: 'ok', attempts: 3 });
    const error = await llm.complete({ messages: [{ role: 'user', content: 'b' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmHttpError);
    expect(error).toMatchObject({ status: 400, retryable: false, serverMessage: 'messages: roles must alternate' });
    expect(server.requests).toHaveLength(4);
  });

  it('gives LlmOutputError when a structured reply stays invalid', async () => {
    const { llm } = await setup([{ text: 'calm' }]);
    const error = await llm
      .complete({ messages: [{ role: 'user', content: 'mood?' }], schema: { name: 'mood', schema: z.object({ mood: z.string() }) } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmOutputError);
    expect((error as LlmOutputError).rawTexts).toEqual(['calm', 'calm']);
  });
});
