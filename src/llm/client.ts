/**
 * The one way Reverie calls an LLM: a concurrency limit that backs off on rate limits, retries
 * with backoff for transient failures, a per-attempt timeout, zod-validated JSON replies with one
 * repair re-ask, a disk cache of validated replies, and running totals of tokens and cost.
 *
 * @example
 * const llm = createLlmClient({ model: parseModelRef('openai:gpt-4o-mini'), cacheDir: 'runs/x/llm-cache' });
 * const persona = await llm.complete({
 *   messages: [{ role: 'user', content: 'Invent a traveller.' }],
 *   schema: { name: 'persona', schema: Persona },
 *   temperature: 1, seed: 7, purpose: 'persona',
 * });
 * persona.value; // typed as z.infer<typeof Persona>
 * llm.usage();   // { calls: 1, inputTokens: …, costUsd: … }
 */
import { z } from 'zod';
import { createAnthropicTransport } from './anthropic-transport.ts';
import { completionCacheKey, createCompletionCache } from './cache.ts';
import type { CompletionCache } from './cache.ts';
import { describeIssues, LlmConfigError, LlmOutputError } from './errors.ts';
import { failureToError } from './failure-error.ts';
import type { ChatMessage } from './json-output.ts';
import { jsonInstruction, parseStructured, repairMessages, schemaToJson, withJsonInstruction } from './json-output.ts';
import { createAdaptiveLimiter } from './limiter.ts';
import type { ModelRef } from './model-ref.ts';
import { formatModelRef, resolveApiKey } from './model-ref.ts';
import { createOpenAiTransport } from './openai-transport.ts';
import type { BackoffOptions } from './retry.ts';
import { createSender } from './sender.ts';
import type { StructuredMode, TokenUsage, Transport, TransportRequest } from './transport.ts';
import { strictJsonSchema } from './strict-schema.ts';
import type { Prices, UsageTotals } from './usage.ts';
import { createUsageTracker } from './usage.ts';

export type { ChatMessage } from './json-output.ts';
export type { TokenUsage } from './transport.ts';
export type { Prices, UsageTotals } from './usage.ts';

export type LlmRequest<T = unknown> = {
  messages: readonly ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Sent to OpenAI-style servers; always part of the cache key, so distinct seeds give distinct samples. */
  seed?: number;
  /**
   * Ask for JSON and validate it; `value` is then the parsed value. `name`: letters, digits, _ and -.
   * `jsonSchema` is what the server is told (default: the zod schema's JSON Schema); give a tighter
   * one than the validator when a lenient check of the reply should follow a strict request.
   */
  schema?: { name: string; schema: z.ZodType<T>; jsonSchema?: Record<string, unknown> };
  /** A label for usage totals and error messages, e.g. 'persona' or 'critique'. */
  purpose?: string;
  /** Cancels the call: the request in flight is aborted and LlmAbortedError is thrown. */
  signal?: AbortSignal;
  /**
   * Stream the reply: each piece of text is handed over as the server sends it (a cache hit gives
   * the whole text at once). Not retried once text has been handed over.
   */
  onText?: (delta: string) => void;
};

export type Completion<T = unknown> = {
  /** The reply as the model wrote it (for structured calls: the reply that validated). */
  text: string;
  /** The parsed, validated value, when the request had a schema. */
  value?: T;
  /** Tokens of every request made for this completion (repair included); for a cache hit, the original call's. */
  usage: TokenUsage;
  cached: boolean;
  /** The model the server says answered. */
  model: string;
  /** HTTP requests sent for this completion; 0 for a cache hit. */
  attempts: number;
  /** The reply stopped at maxTokens. Structured calls throw instead unless the JSON was already complete. */
  truncated: boolean;
};

export type LlmClientOptions = {
  model: ModelRef;
  /** Most requests in flight at once (default 8); lowered for a while after 429s. */
  concurrency?: number;
  /** Per-attempt timeout in ms (default 60000); the request is aborted when it passes. */
  timeoutMs?: number;
  /** Retries after the first attempt for 429, 408, 409, 5xx, timeouts and connection errors (default 5). */
  maxRetries?: number;
  /** Folder for the disk cache of validated replies; no caching when absent. */
  cacheDir?: string;
  /** USD per million tokens, for `usage().costUsd`. */
  prices?: Prices;
  /** Where API keys are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Backoff between retries when the server gives no retry-after (default 1 s doubling, at most 60 s). */
  backoff?: Partial<BackoffOptions>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** Cancels every call of this client, in flight or to come (e.g. on SIGINT). */
  signal?: AbortSignal;
  /**
   * How structured requests ask for JSON (default 'strict': the strict schema where it has one).
   * 'schema' sends the schema as a hint only; 'prompt' relies on the prompt and the repair re-ask.
   */
  structuredOutput?: StructuredMode;
};

export type LlmClient = {
  readonly model: ModelRef;
  complete<T = unknown>(request: LlmRequest<T>): Promise<Completion<T>>;
  usage(): UsageTotals;
};

const Options = z.object({
  model: z
    .object({ provider: z.enum(['openai', 'anthropic', 'openai-compatible']), model: z.string().min(1), baseURL: z.string().min(1).optional() })
    .refine((ref) => ref.provider !== 'openai-compatible' || ref.baseURL !== undefined, 'openai-compatible needs a baseURL (use parseModelRef)'),
  concurrency: z.number().int().min(1).default(8),
  timeoutMs: z.number().positive().default(60_000),
  maxRetries: z.number().int().min(0).default(5),
  cacheDir: z.string().min(1).optional(),
  prices: z.object({ inputPerMillion: z.number().nonnegative(), outputPerMillion: z.number().nonnegative() }).optional(),
  structuredOutput: z.enum(['strict', 'schema', 'prompt']).default('strict'),
  backoff: z.object({ baseMs: z.number().nonnegative().default(1000), maxMs: z.number().nonnegative().default(60_000) }).default({ baseMs: 1000, maxMs: 60_000 }),
});

const Request = z.object({
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).min(1),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  seed: z.number().int().optional(),
  schema: z
    .object({
      name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, _ or -'),
      schema: z.custom<z.ZodType>((value) => typeof (value as { safeParse?: unknown } | null)?.safeParse === 'function', 'not a zod schema'),
      jsonSchema: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  purpose: z.string().min(1).optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'not an AbortSignal').optional(),
  onText: z.custom<(delta: string) => void>((value) => typeof value === 'function', 'not a function').optional(),
});

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new LlmConfigError(`invalid ${what}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`, {
    hint: `Fix the ${what} passed to the LLM client; see LlmClientOptions / LlmRequest in src/llm/client.ts.`,
  });
}

export function createLlmClient(options: LlmClientOptions): LlmClient {
  const settings = checked(Options, options, 'LLM client options');
  const ref = options.model;
  const apiKey = resolveApiKey(ref, options.env ?? process.env);
  const now = options.now ?? Date.now;
  const transport: Transport =
    ref.provider === 'anthropic'
      ? createAnthropicTransport(ref, apiKey as string, now)
      : createOpenAiTransport(ref, apiKey, now);
  const limiter = createAdaptiveLimiter(settings.concurrency);
  const usage = createUsageTracker(settings.prices);
  const cache: CompletionCache | undefined = settings.cacheDir === undefined ? undefined : createCompletionCache(settings.cacheDir);
  const label = (purpose: string | undefined): string =>
    `LLM call${purpose === undefined ? '' : ` (${purpose})`} to ${formatModelRef(ref)}`;
  const send = createSender({
    transport,
    limiter,
    usage,
    ref,
    apiKey,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    backoff: settings.backoff,
    sleep: options.sleep ?? sleepFor,
    random: options.random ?? Math.random,
    label,
  });

  async function completeUncounted<T>(request: LlmRequest<T>): Promise<{ completion: Completion<T>; cached: boolean }> {
    const schema = request.schema;
    const jsonSchema = schema === undefined ? undefined : (schema.jsonSchema ?? schemaToJson(schema.schema));
    const signal = request.signal === undefined ? options.signal : options.signal === undefined ? request.signal : AbortSignal.any([request.signal, options.signal]);
    const aborted = (): never => {
      throw failureToError({ kind: 'aborted' }, { label: label(request.purpose), ref, attempts: 0, timeoutMs: settings.timeoutMs, apiKey });
    };
    if (signal?.aborted === true) aborted();
    const key =
      cache === undefined
        ? undefined
        : completionCacheKey({
            provider: ref.provider,
            model: ref.model,
            messages: request.messages,
            temperature: request.temperature,
            maxTokens: request.maxTokens,
            seed: request.seed,
            schema: schema === undefined ? undefined : { name: schema.name, jsonSchema },
          });

    if (cache !== undefined && key !== undefined) {
      const entry = await cache.get(key);
      const structured = entry === undefined || schema === undefined ? undefined : parseStructured(entry.text, schema.schema);
      // An entry the schema now rejects (its refinements changed) is a miss, replaced below.
      if (entry !== undefined && (structured === undefined || structured.ok)) {
        usage.saved(entry.usage);
        const completion: Completion<T> = { text: entry.text, usage: entry.usage, cached: true, model: entry.model, attempts: 0, truncated: entry.truncated };
        if (structured?.ok === true) completion.value = structured.value;
        request.onText?.(entry.text);
        return { completion, cached: true };
      }
    }

    const counter = { attempts: 0 };
    const messages = schema === undefined ? [...request.messages] : withJsonInstruction(request.messages, jsonInstruction(schema.name, jsonSchema));
    const base: TransportRequest = {
      messages,
      temperature: request.temperature,
      maxTokens: request.maxTokens,
      seed: request.seed,
      responseFormat:
        schema === undefined || jsonSchema === undefined || settings.structuredOutput === 'prompt'
          ? undefined
          : { name: schema.name, schema: jsonSchema, strictSchema: strictJsonSchema(jsonSchema), mode: settings.structuredOutput },
      onText: request.onText,
    };
    let reply = await send(base, request.purpose, counter, signal);
    const spent: TokenUsage = { ...reply.usage };
    let value: T | undefined;

    if (schema !== undefined) {
      const texts = [reply.text];
      let result = parseStructured(reply.text, schema.schema);
      // A reply cut off by the token limit would be cut off again: no repair, say why instead.
      if (!result.ok && !reply.truncated) {
        usage.repair();
        reply = await send({ ...base, messages: repairMessages(messages, reply.text, result.issues) }, request.purpose, counter, signal);
        spent.inputTokens += reply.usage.inputTokens;
        spent.outputTokens += reply.usage.outputTokens;
        texts.push(reply.text);
        result = parseStructured(reply.text, schema.schema);
      }
      if (!result.ok) {
        const why = reply.truncated
          ? `the reply was cut off at the token limit (maxTokens ${request.maxTokens ?? 'server default'})`
          : `the reply did not match schema "${schema.name}" after a repair re-ask: ${describeIssues(result.issues)}`;
        throw new LlmOutputError(texts, result.issues, reply.truncated, `${label(request.purpose)}: ${why}`, {
          hint: reply.truncated
            ? 'Raise maxTokens, or ask for a shorter answer.'
            : 'Record the raw text (error.rawTexts) and skip the item, or simplify the schema / prompt.',
        });
      }
      value = result.value;
    }

    if (cache !== undefined && key !== undefined) {
      await cache.set(key, { model: reply.model, text: reply.text, truncated: reply.truncated, usage: spent });
    }
    const completion: Completion<T> = { text: reply.text, usage: spent, cached: false, model: reply.model, attempts: counter.attempts, truncated: reply.truncated };
    if (schema !== undefined) completion.value = value;
    return { completion, cached: false };
  }

  return {
    model: ref,
    async complete<T = unknown>(request: LlmRequest<T>): Promise<Completion<T>> {
      checked(Request, request, 'LLM request');
      const purpose = request.purpose ?? 'unspecified';
      try {
        const { completion, cached } = await completeUncounted(request);
        usage.finished(purpose, cached ? 'cached' : 'ok');
        return completion;
      } catch (error) {
        usage.finished(purpose, 'failed');
        throw error;
      }
    },
    usage: () => usage.totals({ concurrency: limiter.limit(), slowdowns: limiter.slowdowns() }),
  };
}
