/**
 * Text embeddings from any server with OpenAI's `/v1/embeddings` (OpenAI, vLLM, Ollama, llama.cpp,
 * LM Studio) through the official `openai` client: texts go in batches, a limited number of
 * batches in flight (lowered after 429s), each retried like a completion, and every vector is
 * cached on disk by (model, dimensions, text), so a rerun pays only for texts it has not seen.
 * Equal texts are sent once. Cancelling the signal aborts the batches in flight.
 *
 * @example
 * const embedder = createEmbeddingClient({ model: parseModelRef('ollama:nomic-embed-text'), cacheDir: '.reverie-cache/embeddings' });
 * const vectors = await embedder.embed(['Hi!', 'What do you enjoy?'], { signal });
 * vectors[1].length; // the model's dimension
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import { LlmConfigError } from './errors.ts';
import { createEmbeddingCache } from './embedding-cache.ts';
import { createAdaptiveLimiter } from './limiter.ts';
import type { ModelRef } from './model-ref.ts';
import { formatModelRef, resolveApiKey } from './model-ref.ts';
import type { BackoffOptions } from './retry.ts';
import { createSender } from './sender.ts';
import type { TokenUsage, Transport } from './transport.ts';
import { failureFromSdkError } from './transport.ts';
import { createUsageTracker } from './usage.ts';

export type EmbeddingClientOptions = {
  /** openai or openai-compatible (Anthropic has no embeddings endpoint). */
  model: ModelRef;
  /** Texts per request (default 64). */
  batchSize?: number;
  /** Requests in flight at once (default 4); lowered for a while after 429s. */
  concurrency?: number;
  /** Output dimension, for models that can shorten their vectors (OpenAI text-embedding-3-*). */
  dimensions?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** Folder for the disk cache of vectors; no caching when absent. */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  backoff?: Partial<BackoffOptions>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
};

export type EmbeddingTotals = { texts: number; cachedTexts: number; requests: number; retries: number; inputTokens: number; rateLimited: number };

export type EmbeddingClient = {
  readonly model: ModelRef;
  /** One vector per text, in order. */
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
  usage(): EmbeddingTotals;
};

const Options = z.object({
  batchSize: z.number().int().min(1).max(2048).default(64),
  concurrency: z.number().int().min(1).default(4),
  dimensions: z.number().int().min(1).optional(),
  timeoutMs: z.number().positive().default(60_000),
  maxRetries: z.number().int().min(0).default(5),
  backoff: z.object({ baseMs: z.number().nonnegative().default(1000), maxMs: z.number().nonnegative().default(60_000) }).default({ baseMs: 1000, maxMs: 60_000 }),
});

const EmbeddingBody = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  model: z.string().optional(),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative() }).nullish(),
});

type EmbeddingRequest = { input: string[]; responseFormat?: undefined; onText?: undefined };
type EmbeddingReply = { vectors: number[][]; usage: TokenUsage };

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function embeddingTransport(ref: ModelRef, apiKey: string | undefined, dimensions: number | undefined, now: () => number): Transport<EmbeddingRequest, EmbeddingReply> {
  let loaded: Promise<{ client: OpenAI; sdk: typeof OpenAI }> | undefined;
  const load = async () => {
    const { default: sdk } = await import('openai');
    const client = new sdk({
      apiKey: apiKey ?? 'unused',
      organization: null,
      project: null,
      baseURL: ref.baseURL ?? 'https://api.openai.com/v1',
      maxRetries: 0,
      logLevel: 'off',
      ...(apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
    });
    return { client, sdk };
  };
  return {
    async send(request, signal, timeoutMs) {
      loaded ??= load();
      const { client, sdk } = await loaded;
      let raw: unknown;
      try {
        // Floats, not base64: compatible servers do not all speak base64.
        raw = await client.embeddings.create(
          { model: ref.model, input: request.input, encoding_format: 'float', ...(dimensions === undefined ? {} : { dimensions }) },
          { signal, timeout: timeoutMs, maxRetries: 0 },
        );
      } catch (error) {
        const failure = failureFromSdkError(error, sdk, now());
        if (failure === undefined) throw error;
        return { ok: false, failure };
      }
      const parsed = EmbeddingBody.safeParse(raw);
      const bad = (message: string) => ({ ok: false as const, failure: { kind: 'malformed' as const, status: 200, message } });
      if (!parsed.success) return bad(`not an embeddings response: ${z.prettifyError(parsed.error)}`);
      const vectors: number[][] = [];
      for (const item of parsed.data.data) vectors[item.index] = item.embedding;
      if (parsed.data.data.length !== request.input.length || vectors.some((vector) => vector === undefined)) return bad(`${parsed.data.data.length} vectors for ${request.input.length} texts`);
      const width = vectors[0]?.length ?? 0;
      if (width === 0 || vectors.some((vector) => vector.length !== width)) return bad('vectors of different or zero lengths');
      return { ok: true, reply: { vectors, usage: { inputTokens: parsed.data.usage?.prompt_tokens ?? 0, outputTokens: 0 } } };
    },
  };
}

export function createEmbeddingClient(options: EmbeddingClientOptions): EmbeddingClient {
  const parsed = Options.safeParse(options);
  if (!parsed.success) {
    throw new LlmConfigError(`invalid embedding client options: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`, { hint: 'See EmbeddingClientOptions in src/llm/embeddings.ts.' });
  }
  const settings = parsed.data;
  const ref = options.model;
  if (ref.provider === 'anthropic') {
    throw new LlmConfigError(`${formatModelRef(ref)} has no embeddings endpoint`, { hint: 'Use an OpenAI or OpenAI-compatible model for embeddings, e.g. openai:text-embedding-3-small or ollama:nomic-embed-text.' });
  }
  const apiKey = resolveApiKey(ref, options.env ?? process.env);
  const limiter = createAdaptiveLimiter(settings.concurrency);
  const usage = createUsageTracker(undefined);
  const cache = options.cacheDir === undefined ? undefined : createEmbeddingCache(options.cacheDir, { provider: ref.provider, model: ref.model, dimensions: settings.dimensions });
  const counts = { texts: 0, cachedTexts: 0 };
  const send = createSender<EmbeddingRequest, EmbeddingReply>({
    transport: embeddingTransport(ref, apiKey, settings.dimensions, options.now ?? Date.now),
    limiter,
    usage,
    ref,
    apiKey,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    backoff: settings.backoff,
    sleep: options.sleep ?? sleepFor,
    random: options.random ?? Math.random,
    label: () => `embeddings call to ${formatModelRef(ref)}`,
  });

  return {
    model: ref,
    async embed(texts, embedOptions = {}) {
      const signal = embedOptions.signal;
      counts.texts += texts.length;
      const vectors = new Map<string, number[]>();
      const missing: string[] = [];
      for (const text of new Set(texts)) {
        const hit = await cache?.get(text);
        if (hit === undefined) missing.push(text);
        else vectors.set(text, hit);
      }
      counts.cachedTexts += texts.filter((text) => vectors.has(text)).length;
      const batches: string[][] = [];
      for (let start = 0; start < missing.length; start += settings.batchSize) batches.push(missing.slice(start, start + settings.batchSize));
      // Every batch starts at once; the limiter decides how many are on the wire.
      await Promise.all(
        batches.map(async (batch) => {
          const reply = await send({ input: batch }, 'embeddings', { attempts: 0 }, signal);
          for (const [at, text] of batch.entries()) {
            const vector = reply.vectors[at] as number[];
            vectors.set(text, vector);
            await cache?.set(text, vector);
          }
        }),
      );
      return texts.map((text) => vectors.get(text) as number[]);
    },
    usage: () => {
      const totals = usage.totals({ concurrency: limiter.limit(), slowdowns: limiter.slowdowns() });
      return { ...counts, requests: totals.requests, retries: totals.retries, inputTokens: totals.inputTokens, rateLimited: totals.rateLimited };
    },
  };
}
