import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddingOf, startScriptedServer } from '../../test/support/scripted-llm-server.ts';
import type { ScriptedServer, ScriptedServerOptions } from '../../test/support/scripted-llm-server.ts';
import { createEmbeddingClient } from './embeddings.ts';
import type { EmbeddingClientOptions } from './embeddings.ts';
import { LlmAbortedError, LlmConfigError, LlmHttpError } from './errors.ts';
import { parseModelRef } from './model-ref.ts';

const servers: ScriptedServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function setup(serverOptions: ScriptedServerOptions = {}, options: Partial<EmbeddingClientOptions> = {}) {
  const server = await startScriptedServer([{ text: 'unused' }], serverOptions);
  servers.push(server);
  const embedder = createEmbeddingClient({ model: parseModelRef('openai-compatible:embed', { baseURL: server.baseURL }), env: {}, sleep: async () => undefined, ...options });
  return { server, embedder };
}

const texts = (n: number) => Array.from({ length: n }, (_, at) => `text number ${at}`);

describe('createEmbeddingClient', () => {
  it('returns the server’s vectors in order, batched, with no more batches in flight than allowed', async () => {
    const { server, embedder } = await setup({ dimension: 8, embeddings: async () => (await new Promise((resolve) => setTimeout(resolve, 30)), undefined) }, { batchSize: 10, concurrency: 2 });
    const input = texts(45);
    const vectors = await embedder.embed(input);
    expect(vectors).toEqual(input.map((text) => embeddingOf(text, 8)));
    expect(server.embeddingRequests.map((request) => (request.body.input as string[]).length)).toEqual([10, 10, 10, 10, 5]);
    expect(server.embeddingRequests[0]?.body).toMatchObject({ model: 'embed', encoding_format: 'float' });
    expect(server.maxInFlight()).toBe(2);
    expect(embedder.usage()).toMatchObject({ texts: 45, cachedTexts: 0, requests: 5 });
  });

  it('sends equal texts once, and a cached text never again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reverie-embed-cache-'));
    dirs.push(dir);
    const { server, embedder } = await setup({}, { cacheDir: dir });
    const first = await embedder.embed(['a', 'b', 'a']);
    expect(first[0]).toEqual(first[2]);
    expect(server.embeddingRequests[0]?.body.input).toEqual(['a', 'b']);
    const again = createEmbeddingClient({ model: parseModelRef('openai-compatible:embed', { baseURL: server.baseURL }), env: {}, cacheDir: dir });
    expect(await again.embed(['b', 'c'])).toEqual([embeddingOf('b'), embeddingOf('c')]);
    expect(server.embeddingRequests[1]?.body.input).toEqual(['c']);
    expect(again.usage()).toMatchObject({ texts: 2, cachedTexts: 1, requests: 1 });
  });

  it('retries 429, 500 and a body that is not an embeddings response, then gives up with the status', async () => {
    const faults = [{ status: 429, headers: { 'retry-after-ms': '1' } }, { status: 500 }, { raw: '{"data": "nope"}' }];
    const { server, embedder } = await setup({ embeddings: (_inputs, index) => faults[index] });
    expect(await embedder.embed(['x'])).toEqual([embeddingOf('x')]);
    expect(server.embeddingRequests).toHaveLength(4);
    expect(embedder.usage()).toMatchObject({ retries: 3, rateLimited: 1 });
    const { embedder: failing } = await setup({ embeddings: () => ({ status: 503 }) }, { maxRetries: 1 });
    await expect(failing.embed(['y'])).rejects.toMatchObject({ name: 'LlmHttpError', status: 503 });
    await expect(failing.embed(['y'])).rejects.toBeInstanceOf(LlmHttpError);
  });

  it('cancels the batches in flight when the signal fires', async () => {
    const { server, embedder } = await setup({ embeddings: () => ({ hang: true }) });
    const controller = new AbortController();
    const pending = embedder.embed(texts(3), { signal: controller.signal }).catch((error: unknown) => error);
    while (server.embeddingRequests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    expect(await pending).toBeInstanceOf(LlmAbortedError);
    while (server.embeddingRequests[0]?.cancelledAt === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('refuses Anthropic, which has no embeddings endpoint', () => {
    expect(() => createEmbeddingClient({ model: parseModelRef('anthropic:claude-x'), env: { ANTHROPIC_API_KEY: 'k' } })).toThrow(LlmConfigError);
  });
});
