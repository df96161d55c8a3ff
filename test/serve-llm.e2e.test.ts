/**
 * `reverie serve` as OpenAI clients expect it, with a prompted agent on a scripted upstream LLM:
 * a 20 MB body gets a 413 the official client actually receives, a client that leaves cancels
 * the upstream request, a streamed answer starts before the upstream has finished, usage is
 * counted by a real tokenizer, and binding beyond loopback without a token is refused.
 */
import { countTokens } from 'gpt-tokenizer';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgent } from '../src/agent/build.ts';
import { parseAgentSpec } from '../src/agent/spec.ts';
import { createLlmClient } from '../src/llm/client.ts';
import { parseModelRef } from '../src/llm/model-ref.ts';
import { toServedAgent } from '../src/serve/agents.ts';
import { ServeConfigError } from '../src/serve/errors.ts';
import { startServe } from '../src/serve/server.ts';
import type { ServeHandle } from '../src/serve/server.ts';
import { resolveTaskSpec } from '../src/tasks/registry.ts';
import { startScriptedServer } from './support/scripted-llm-server.ts';
import type { ScriptedServer } from './support/scripted-llm-server.ts';

const REPLY = 'Would you rather spend the afternoon outdoors, or somewhere quiet with a good view of the old town?';

let upstream: ScriptedServer;
let server: ServeHandle;
let client: OpenAI;
const logs: string[] = [];

beforeAll(async () => {
  // The model name picks the upstream's behaviour: slow streams word by word, hang never answers.
  upstream = await startScriptedServer((body) => (body.model === 'hang' ? { hang: true } : { text: REPLY, chunkDelayMs: body.model === 'slow' ? 60 : 0 }));
  const spec = await resolveTaskSpec('travel');
  const agents = await Promise.all(
    ['fast', 'slow', 'hang'].map(async (name) => {
      const llm = createLlmClient({ model: parseModelRef(`openai-compatible:${name}`, { baseURL: upstream.baseURL }), env: {}, maxRetries: 0 });
      const built = await buildAgent(parseAgentSpec('prompted'), { spec, llm });
      return { ...toServedAgent(built, undefined), id: name };
    }),
  );
  server = await startServe({ agents, port: 0, log: (line) => logs.push(line) });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await server?.close(0);
  await upstream?.close();
});

const hello = [{ role: 'user' as const, content: 'Hi, I have a free afternoon in Lisbon.' }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waitFor = async (check: () => boolean, ms = 3000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(10);
  }
};

describe('serve with an LLM-backed agent', () => {
  it('answers a 20 MB body with a 413 that the official openai client receives', async () => {
    const huge = 'x'.repeat(20 * 1024 * 1024);
    const error = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: huge }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).not.toBeInstanceOf(OpenAI.APIConnectionError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('larger than');
    // And the server goes on answering.
    expect((await client.chat.completions.create({ model: 'fast', messages: hello })).choices[0]?.message.content).toBe(REPLY);
  });

  it('cancels the upstream request when its client leaves, streaming or not', async () => {
    for (const stream of [false, true]) {
      const before = upstream.requests.length;
      const controller = new AbortController();
      const pending = client.chat.completions.create({ model: 'hang', messages: hello, stream }, { signal: controller.signal }).catch((caught: unknown) => caught);
      await waitFor(() => upstream.requests.length > before);
      controller.abort();
      expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
      await waitFor(() => upstream.requests[before]?.cancelledAt !== undefined);
      expect(upstream.inFlight()).toBe(0);
    }
    expect(logs.some((line) => line.includes('upstream LLM request was cancelled'))).toBe(true);
  });

  it('streams the upstream’s tokens as they arrive: the first chunk comes before the upstream has finished', async () => {
    const before = upstream.requests.length;
    const stream = await client.chat.completions.create({ model: 'slow', messages: hello, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let upstreamDoneAtFirstChunk: boolean | undefined;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content ?? '';
      if (delta !== '' && upstreamDoneAtFirstChunk === undefined) upstreamDoneAtFirstChunk = upstream.requests[before]?.answeredAt !== undefined;
      text += delta;
      usage = chunk.usage ?? usage;
    }
    expect(upstreamDoneAtFirstChunk).toBe(false);
    expect(text).toBe(REPLY);
    expect(usage?.completion_tokens).toBe(countTokens(REPLY));
  });

  it('counts usage with a real tokenizer', async () => {
    const completion = await client.chat.completions.create({ model: 'fast', messages: hello });
    expect(completion.usage).toEqual({ prompt_tokens: countTokens(hello[0]!.content), completion_tokens: countTokens(REPLY), total_tokens: countTokens(hello[0]!.content) + countTokens(REPLY) });
    // Not characters ÷ 4.
    expect(completion.usage?.completion_tokens).not.toBe(Math.ceil(REPLY.length / 4));
  });
});

describe('binding beyond loopback', () => {
  it('is refused without a token, allowed with one, and with the unsafe option only loudly', async () => {
    const agents = [{ id: 'echo', description: 'echo', act: async () => ({ text: 'hi' }) }];
    await expect(startServe({ agents, host: '0.0.0.0', port: 0, log: () => undefined })).rejects.toBeInstanceOf(ServeConfigError);
    const withToken = await startServe({ agents, host: '0.0.0.0', port: 0, token: 'secret-token', log: () => undefined });
    await withToken.close(0);
    const warnings: string[] = [];
    const open = await startServe({ agents, host: '0.0.0.0', port: 0, unsafeAllowNoTokenOnNetwork: true, log: (line) => warnings.push(line) });
    await open.close(0);
    expect(warnings.join('\n')).toMatch(/WARNING: .*no token/);
  });
});
