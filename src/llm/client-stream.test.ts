import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { Script, ScriptedReply, ScriptedServer } from '../../test/support/scripted-llm-server.ts';
import { createLlmClient } from './client.ts';
import type { LlmClientOptions } from './client.ts';
import { LlmAbortedError } from './errors.ts';
import { parseModelRef } from './model-ref.ts';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const hi = { messages: [{ role: 'user' as const, content: 'hi' }] };

async function setup(script: Script | ScriptedReply[], provider: 'openai' | 'anthropic' = 'openai', options: Partial<LlmClientOptions> = {}) {
  const server = await startScriptedServer(script);
  servers.push(server);
  const llm = createLlmClient({
    model: parseModelRef(`${provider}:model-test`, { baseURL: provider === 'openai' ? server.baseURL : server.origin }),
    env: { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant-test' },
    sleep: async () => undefined,
    ...options,
  });
  return { server, llm };
}

const waitFor = async (check: () => boolean): Promise<void> => {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('streaming', () => {
  for (const provider of ['openai', 'anthropic'] as const) {
    it(`hands over each piece as it arrives and returns the whole reply (${provider})`, async () => {
      const { server, llm } = await setup([{ text: 'One two three four', usage: { inputTokens: 7, outputTokens: 4 }, chunkDelayMs: 30 }], provider);
      const pieces: { text: string; answered: boolean }[] = [];
      const completion = await llm.complete({ ...hi, onText: (text) => pieces.push({ text, answered: server.requests[0]?.answeredAt !== undefined }) });
      expect(server.requests[0]?.body.stream).toBe(true);
      expect(pieces.map((piece) => piece.text)).toEqual(['One', ' two', ' three', ' four']);
      expect(pieces[0]?.answered).toBe(false);
      expect(completion).toMatchObject({ text: 'One two three four', usage: { inputTokens: 7, outputTokens: 4 }, truncated: false });
    });
  }

  it('gives a cached reply to onText at once', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'reverie-stream-cache-'));
    try {
      const { llm } = await setup([{ text: 'cached words' }], 'openai', { cacheDir: dir });
      await llm.complete({ ...hi, onText: () => undefined });
      const pieces: string[] = [];
      const again = await llm.complete({ ...hi, onText: (text) => pieces.push(text) });
      expect(again.cached).toBe(true);
      expect(pieces).toEqual(['cached words']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('cancellation', () => {
  it('aborts the request in flight when the signal fires: the server sees the client leave, nothing is retried', async () => {
    const { server, llm } = await setup([{ hang: true }]);
    const controller = new AbortController();
    const pending = llm.complete({ ...hi, signal: controller.signal }).catch((error: unknown) => error);
    await waitFor(() => server.requests.length === 1);
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(LlmAbortedError);
    await waitFor(() => server.requests[0]?.cancelledAt !== undefined);
    expect(server.requests).toHaveLength(1);
    expect(llm.usage()).toMatchObject({ failedCalls: 1, retries: 0 });
  });

  it('stops a call waiting for a concurrency slot or a backoff, and refuses one already cancelled', async () => {
    const { server, llm } = await setup((_body, index) => (index === 0 ? { hang: true } : { status: 503 }), 'openai', { concurrency: 1, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms * 1000)) });
    const first = new AbortController();
    const waiting = new AbortController();
    const holding = llm.complete({ ...hi, signal: first.signal }).catch((error: unknown) => error);
    await waitFor(() => server.requests.length === 1);
    const queued = llm.complete({ messages: [{ role: 'user', content: 'queued' }], signal: waiting.signal }).catch((error: unknown) => error);
    waiting.abort();
    expect(await queued).toBeInstanceOf(LlmAbortedError);
    first.abort();
    expect(await holding).toBeInstanceOf(LlmAbortedError);
    // A 503 then a long backoff: cancelling during the wait ends the call without another request.
    const backoff = new AbortController();
    const retrying = llm.complete({ messages: [{ role: 'user', content: 'retry' }], signal: backoff.signal }).catch((error: unknown) => error);
    await waitFor(() => server.requests.length === 2);
    backoff.abort();
    expect(await retrying).toBeInstanceOf(LlmAbortedError);
    expect(server.requests).toHaveLength(2);
    await expect(llm.complete({ ...hi, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(LlmAbortedError);
  });

  it('cancels every call of a client created with a signal', async () => {
    const controller = new AbortController();
    const { server, llm } = await setup([{ hang: true }], 'anthropic', { signal: controller.signal });
    const calls = [1, 2, 3].map((n) => llm.complete({ messages: [{ role: 'user', content: String(n) }] }).catch((error: unknown) => error));
    await waitFor(() => server.requests.length === 3);
    controller.abort();
    for (const error of await Promise.all(calls)) expect(error).toBeInstanceOf(LlmAbortedError);
    await waitFor(() => server.requests.every((request) => request.cancelledAt !== undefined));
  });
});
