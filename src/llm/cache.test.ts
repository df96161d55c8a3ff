import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { Script, ScriptedReply, ScriptedServer } from '../../test/support/scripted-llm-server.ts';
import { canonicalJson, completionCacheKey, createCompletionCache } from './cache.ts';
import { createLlmClient } from './client.ts';
import type { LlmClientOptions, LlmRequest } from './client.ts';
import { parseModelRef } from './model-ref.ts';

const KEY = 'sk-test-SECRET-0123456789';
const ask: LlmRequest = { messages: [{ role: 'user', content: 'Name a colour.' }], temperature: 1, seed: 3 };

let dir: string;
let server: ScriptedServer | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-llm-cache-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function startServer(script: Script | ScriptedReply[] = (_body, index) => ({ text: `colour ${index}`, usage: { inputTokens: 10, outputTokens: 2 } })) {
  server = await startScriptedServer(script);
  return server;
}

function client(options: Partial<LlmClientOptions> = {}) {
  return createLlmClient({
    model: parseModelRef('openai:gpt-test', { baseURL: (server as ScriptedServer).baseURL }),
    env: { OPENAI_API_KEY: KEY },
    cacheDir: dir,
    sleep: async () => undefined,
    ...options,
  });
}

async function cacheFiles(): Promise<string[]> {
  const files = await readdir(dir, { recursive: true });
  return files.filter((file) => file.endsWith('.json')).map((file) => join(dir, file));
}

describe('canonicalJson and completionCacheKey', () => {
  it('ignores key order and undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: undefined, w: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"w":null,"y":2}]},"b":1}');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('changes with what changes the answer and only that', () => {
    const base = { provider: 'openai' as const, model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 1 };
    const key = completionCacheKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(completionCacheKey({ temperature: 1, messages: [{ content: 'x', role: 'user' }], model: 'm', provider: 'openai' })).toBe(key);
    expect(completionCacheKey({ ...base, messages: [{ role: 'user', content: 'x', extra: 1 } as { role: string; content: string }] })).toBe(key);
    for (const changed of [
      { ...base, temperature: 0.9 },
      { ...base, model: 'n' },
      { ...base, provider: 'openai-compatible' as const },
      { ...base, seed: 1 },
      { ...base, maxTokens: 10 },
      { ...base, messages: [{ role: 'system', content: 'x' }] },
      { ...base, schema: { name: 's', jsonSchema: { type: 'object' } } },
    ]) {
      expect(completionCacheKey(changed)).not.toBe(key);
    }
  });

  it('treats a file with the wrong key inside as a miss', async () => {
    const cache = createCompletionCache(dir);
    const entry = { model: 'm', text: 't', truncated: false, usage: { inputTokens: 1, outputTokens: 1 } };
    await cache.set('ab'.repeat(32), entry);
    expect(await cache.get('ab'.repeat(32))).toMatchObject(entry);
    // A copy under another name: same content, wrong place.
    await mkdir(dirname(cache.pathOf('cd'.repeat(32))), { recursive: true });
    await copyFile(cache.pathOf('ab'.repeat(32)), cache.pathOf('cd'.repeat(32)));
    expect(await cache.get('cd'.repeat(32))).toBeUndefined();
  });
});

describe('the client with a cache', () => {
  it('answers a repeated call from disk: one request, cached: true, tokens counted as saved', async () => {
    const server = await startServer();
    const llm = client();
    const first = await llm.complete(ask);
    const second = await llm.complete(ask);
    expect(first).toMatchObject({ text: 'colour 0', cached: false, attempts: 1 });
    expect(second).toEqual({ text: 'colour 0', cached: true, attempts: 0, usage: { inputTokens: 10, outputTokens: 2 }, model: 'gpt-test', truncated: false });
    expect(server.requests).toHaveLength(1);
    expect(llm.usage()).toMatchObject({ calls: 2, cachedCalls: 1, requests: 1, inputTokens: 10, outputTokens: 2, savedInputTokens: 10, savedOutputTokens: 2 });
    const files = await cacheFiles();
    expect(files).toHaveLength(1);
    const name = files[0]!.slice(dir.length + 1);
    expect(name).toMatch(/^([0-9a-f]{2})\/\1[0-9a-f]{62}\.json$/);
  });

  it('misses when temperature, seed or the messages change', async () => {
    const server = await startServer();
    const llm = client();
    await llm.complete(ask);
    await llm.complete({ ...ask, temperature: 0.5 });
    await llm.complete({ ...ask, seed: 4 });
    await llm.complete({ ...ask, messages: [{ role: 'user', content: 'Name a shape.' }] });
    expect(server.requests).toHaveLength(4);
  });

  it('hits across clients whatever their concurrency, timeout, retries, prices, purpose or key', async () => {
    const server = await startServer();
    await client().complete(ask);
    const other = client({ concurrency: 1, timeoutMs: 1234, maxRetries: 0, prices: { inputPerMillion: 1, outputPerMillion: 2 }, env: { OPENAI_API_KEY: 'sk-other' } });
    const again = await other.complete({ ...ask, purpose: 'somewhere else' });
    expect(again.cached).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(other.usage().savedCostUsd).toBeCloseTo((10 * 1 + 2 * 2) / 1e6, 12);
  });

  it('treats a corrupted entry as a miss and rewrites it', async () => {
    const server = await startServer();
    await client().complete(ask);
    const [file] = await cacheFiles();
    for (const junk of ['{"format":1,"text":', '[]', '']) {
      await writeFile(file!, junk);
      const completion = await client().complete(ask);
      expect(completion.cached).toBe(false);
      expect(JSON.parse(await readFile(file!, 'utf8'))).toMatchObject({ format: 1, text: completion.text });
    }
    expect(server.requests).toHaveLength(4);
    expect((await client().complete(ask)).cached).toBe(true);
  });

  it('caches validated structured replies and returns the value on a hit, but never a failure', async () => {
    const Colour = z.object({ colour: z.string() });
    const server = await startServer([{ text: 'no' }, { text: 'still no' }, { text: '```json\n{"colour":"teal"}\n```' }]);
    const llm = client();
    const request = { ...ask, schema: { name: 'colour', schema: Colour } };
    await expect(llm.complete(request)).rejects.toMatchObject({ name: 'LlmOutputError' });
    expect(await cacheFiles()).toHaveLength(0);
    const made = await llm.complete(request);
    const hit = await llm.complete(request);
    expect(made).toMatchObject({ cached: false, value: { colour: 'teal' } });
    expect(hit).toMatchObject({ cached: true, value: { colour: 'teal' }, text: made.text });
    expect(server.requests).toHaveLength(3);
    // The same prompt without a schema is another entry.
    await llm.complete(ask);
    expect(server.requests).toHaveLength(4);
  });

  it('misses when the schema changes', async () => {
    const server = await startServer([{ text: '{"colour":"red"}' }, { text: '{"colour":"red","hex":"#f00"}' }]);
    const llm = client();
    await llm.complete({ ...ask, schema: { name: 'c', schema: z.object({ colour: z.string() }) } });
    const second = await llm.complete({ ...ask, schema: { name: 'c', schema: z.object({ colour: z.string(), hex: z.string() }) } });
    expect(second.cached).toBe(false);
    expect(server.requests).toHaveLength(2);
  });

  it('never writes the API key to the cache', async () => {
    await startServer();
    const llm = client();
    await llm.complete(ask);
    await llm.complete({ ...ask, schema: undefined, seed: 9 });
    for (const file of await cacheFiles()) expect(await readFile(file, 'utf8')).not.toContain(KEY);
  });
});
