import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { Script, ScriptedReply, ScriptedServer } from '../../test/support/scripted-llm-server.ts';
import { createLlmClient } from './client.ts';
import type { LlmClientOptions } from './client.ts';
import { LlmConnectionError, LlmHttpError, LlmTimeoutError } from './errors.ts';
import { parseModelRef } from './model-ref.ts';

const KEY = 'sk-test-SECRET-0123456789';
const hi = { messages: [{ role: 'user' as const, content: 'hi' }] };

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setup(script: Script | ScriptedReply[], options: Partial<LlmClientOptions> = {}) {
  const server = await startScriptedServer(script);
  servers.push(server);
  const sleeps: number[] = [];
  const llm = createLlmClient({
    model: parseModelRef('openai:gpt-test', { baseURL: server.baseURL }),
    env: { OPENAI_API_KEY: KEY },
    // Backoffs are recorded, not slept, unless a test sleeps for real.
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...options,
  });
  return { server, llm, sleeps };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('retries', () => {
  it('waits at least retry-after on a 429, lowers the concurrency, then succeeds', async () => {
    const slept: number[] = [];
    const { server, llm } = await setup([{ status: 429, headers: { 'retry-after': '0.05' } }, { text: 'ok' }], {
      sleep: async (ms) => {
        slept.push(ms);
        await realSleep(ms);
      },
    });
    const completion = await llm.complete(hi);
    expect(completion).toMatchObject({ text: 'ok', attempts: 2 });
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThanOrEqual(50);
    const [first, second] = server.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(49); // timer granularity
    expect(llm.usage()).toMatchObject({ retries: 1, rateLimited: 1, slowdowns: 1, concurrency: 4 });
  });

  it('prefers retry-after-ms', async () => {
    const { llm, sleeps } = await setup([{ status: 429, headers: { 'retry-after-ms': '7', 'retry-after': '30' } }, { text: 'ok' }]);
    await llm.complete(hi);
    expect(sleeps[0]).toBeGreaterThanOrEqual(7);
    expect(sleeps[0]).toBeLessThan(8);
  });

  it('retries 500 twice with growing backoff, then succeeds', async () => {
    const { server, llm, sleeps } = await setup([{ status: 500 }, { status: 503 }, { text: 'fine' }], { backoff: { baseMs: 100, maxMs: 1000 } });
    const completion = await llm.complete(hi);
    expect(completion).toMatchObject({ text: 'fine', attempts: 3 });
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([75, 150]); // base·2^n · (0.5 + 0.5·random) with random 0.5
    expect(llm.usage()).toMatchObject({ requests: 3, retries: 2, slowdowns: 0, concurrency: 8 });
  });

  it('gives up after maxRetries with a retryable LlmHttpError', async () => {
    const { server, llm } = await setup([{ status: 502, body: { error: { message: 'bad gateway' } } }], { maxRetries: 2 });
    const error = await rejection(llm.complete(hi));
    expect(error).toBeInstanceOf(LlmHttpError);
    expect(error).toMatchObject({ status: 502, retryable: true, serverMessage: 'bad gateway' });
    expect(error.message).toContain('3 attempts');
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400 and reports the server message', async () => {
    const { server, llm } = await setup([{ status: 400, body: { error: { message: 'messages: too long' } } }]);
    const error = await rejection(llm.complete(hi));
    expect(error).toBeInstanceOf(LlmHttpError);
    expect(error).toMatchObject({ status: 400, retryable: false, serverMessage: 'messages: too long' });
    expect(error.message).toContain('messages: too long');
    expect(server.requests).toHaveLength(1);
    expect(llm.usage()).toMatchObject({ failedCalls: 1, retries: 0 });
  });

  it('retries 408 and 409', async () => {
    const { llm } = await setup([{ status: 408 }, { status: 409 }, { text: 'ok' }]);
    expect((await llm.complete(hi)).attempts).toBe(3);
  });

  it('redacts the key when the server echoes it, and names the variable on 401', async () => {
    const { llm } = await setup([{ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}.` } } }]);
    const error = (await rejection(llm.complete(hi))) as LlmHttpError;
    expect(error.status).toBe(401);
    expect(error.message).not.toContain(KEY);
    expect(error.serverMessage).not.toContain(KEY);
    expect(error.serverMessage).toContain('[redacted]');
    expect(error.hint).toContain('OPENAI_API_KEY');
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(KEY);
  });

  it('fails at once when the server asks to wait longer than ten minutes', async () => {
    const { server, llm } = await setup([{ status: 429, headers: { 'retry-after': '3600' } }]);
    const error = (await rejection(llm.complete(hi))) as LlmHttpError;
    expect(error.status).toBe(429);
    expect(error.hint).toContain('quota');
    expect(server.requests).toHaveLength(1);
  });

  it('aborts a hanging request at the timeout, retries, then throws LlmTimeoutError', async () => {
    const { server, llm } = await setup([{ hang: true }], { timeoutMs: 80, maxRetries: 2 });
    const started = Date.now();
    const error = await rejection(llm.complete(hi));
    expect(error).toBeInstanceOf(LlmTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 80, attempts: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 80 - 5);
    expect(server.requests).toHaveLength(3);
    // Every aborted request was let go by the client.
    await realSleep(20);
    expect(server.inFlight()).toBe(0);
  });

  it('times out a slow reply and succeeds when the retry is fast', async () => {
    const { llm } = await setup([{ text: 'late', delayMs: 300 }, { text: 'fast' }], { timeoutMs: 80 });
    expect(await llm.complete(hi)).toMatchObject({ text: 'fast', attempts: 2 });
  });

  it('retries a malformed body and a dropped connection', async () => {
    const { server, llm } = await setup([{ raw: '{"choices": [' }, { destroy: true }, { raw: '<html>proxy error</html>', contentType: 'text/html' }, { text: 'ok' }]);
    expect(await llm.complete(hi)).toMatchObject({ text: 'ok', attempts: 4 });
    expect(server.requests).toHaveLength(4);
  });

  it('reports a malformed body that never improves as a retryable LlmHttpError', async () => {
    const { llm } = await setup([{ raw: 'not json at all' }], { maxRetries: 1 });
    const error = await rejection(llm.complete(hi));
    expect(error).toBeInstanceOf(LlmHttpError);
    expect(error).toMatchObject({ status: 200, retryable: true });
  });

  it('throws LlmConnectionError when nothing listens', async () => {
    const gone = await startScriptedServer([{ text: 'x' }]);
    await gone.close();
    const llm = createLlmClient({
      model: parseModelRef('openai-compatible:m', { baseURL: gone.baseURL }),
      env: {},
      maxRetries: 1,
      sleep: async () => undefined,
    });
    const error = await rejection(llm.complete(hi));
    expect(error).toBeInstanceOf(LlmConnectionError);
    expect(error.message).toContain(gone.baseURL);
    expect(llm.usage()).toMatchObject({ requests: 2, retries: 1, failedCalls: 1 });
  });
});

describe('concurrency', () => {
  it('never has more requests in flight than the limit', async () => {
    const { server, llm } = await setup(() => ({ text: 'ok', delayMs: 25 }), { concurrency: 3 });
    const calls = Array.from({ length: 10 }, (_, index) => llm.complete({ messages: [{ role: 'user', content: `q${index}` }] }));
    await Promise.all(calls);
    expect(server.maxInFlight()).toBe(3);
    expect(server.requests).toHaveLength(10);
  });

  it('runs fewer requests at once after rate limits, and recovers after successes', async () => {
    // The first wave is refused; afterwards everything succeeds slowly enough to overlap.
    const { server, llm } = await setup((_body, index) => (index < 4 ? { status: 429, headers: { 'retry-after-ms': '1' } } : { text: 'ok', delayMs: 15 }), {
      concurrency: 4,
    });
    const calls = Array.from({ length: 4 }, (_, index) => llm.complete({ messages: [{ role: 'user', content: `a${index}` }] }));
    await Promise.all(calls);
    // Four 429s from one wave count as one cut: 4 → 2, not 4 → 1.
    expect(llm.usage()).toMatchObject({ rateLimited: 4, slowdowns: 1 });
    expect(server.maxInFlight()).toBeLessThanOrEqual(4);
    const retriedAtOnce = server.requests.slice(4);
    expect(retriedAtOnce).toHaveLength(4);
    expect(llm.usage().concurrency).toBeGreaterThanOrEqual(2);

    // Enough successes bring the limit back to the configured maximum.
    for (let round = 0; round < 4; round++) {
      await Promise.all(Array.from({ length: 4 }, (_, index) => llm.complete({ messages: [{ role: 'user', content: `b${round}-${index}` }] })));
    }
    expect(llm.usage().concurrency).toBe(4);
  });
});
