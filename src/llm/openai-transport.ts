/**
 * OpenAI's chat completions through the official `openai` client, for OpenAI itself and for any
 * server with the same API (vLLM, Ollama, LM Studio, llama.cpp). Structured requests carry the
 * schema as response_format — strict where it has a strict form, which OpenAI enforces and vLLM,
 * llama.cpp and Ollama turn into constrained decoding — and replies stream when asked to.
 * The SDK retries nothing here.
 * It is imported on the first request, so commands that never call an LLM do not load it.
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import type { ModelRef } from './model-ref.ts';
import type { Transport, TransportRequest, TransportResult } from './transport.ts';
import { failureFromSdkError } from './transport.ts';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

// Checked because compatible servers vary: some omit usage, send null content, or no choices.
const CompletionBody = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }).nullish(),
});

async function createSdkClient(ref: ModelRef, apiKey: string | undefined): Promise<{ client: OpenAI; sdk: typeof OpenAI }> {
  const { default: sdk } = await import('openai');
  const client = new sdk({
    // Key, organisation, project and URL are explicit so the SDK takes none of them from the
    // environment (it still honours OPENAI_CUSTOM_HEADERS); logging is off so nothing is printed.
    apiKey: apiKey ?? 'unused',
    organization: null,
    project: null,
    baseURL: ref.baseURL ?? OPENAI_BASE_URL,
    maxRetries: 0,
    logLevel: 'off',
    // A keyless local server gets no Authorization header at all rather than a fake key.
    ...(apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
  });
  return { client, sdk };
}

const ChunkBody = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }).nullish(), finish_reason: z.string().nullish() })).default([]),
  usage: CompletionBody.shape.usage,
});

/** The response_format for a structured request: the strict schema with strict true, or the schema as a hint. */
const responseFormatOf = (format: NonNullable<TransportRequest['responseFormat']>): OpenAI.ResponseFormatJSONSchema => {
  const strict = format.mode === 'strict' && format.strictSchema !== undefined;
  return { type: 'json_schema', json_schema: { name: format.name, schema: strict ? format.strictSchema : format.schema, strict } };
};

/** Reads a streamed completion, handing each piece of text to `onText` as it comes. */
async function readStream(stream: AsyncIterable<unknown>, onText: (delta: string) => void, fallbackModel: string): Promise<TransportResult> {
  let text = '';
  let finish: string | null | undefined;
  let model = fallbackModel;
  let usage = { inputTokens: 0, outputTokens: 0 };
  for await (const raw of stream) {
    const parsed = ChunkBody.safeParse(raw);
    if (!parsed.success) return { ok: false, failure: { kind: 'malformed', status: 200, message: `not a chat completion chunk: ${z.prettifyError(parsed.error)}` } };
    model = parsed.data.model ?? model;
    if (parsed.data.usage) usage = { inputTokens: parsed.data.usage.prompt_tokens, outputTokens: parsed.data.usage.completion_tokens };
    const choice = parsed.data.choices[0];
    const delta = choice?.delta?.content ?? choice?.delta?.refusal ?? '';
    if (delta !== '') {
      text += delta;
      onText(delta);
    }
    finish = choice?.finish_reason ?? finish;
  }
  return { ok: true, reply: { text, truncated: finish === 'length', usage, model } };
}

export function createOpenAiTransport(ref: ModelRef, apiKey: string | undefined, now: () => number): Transport {
  let loaded: Promise<{ client: OpenAI; sdk: typeof OpenAI }> | undefined;
  // OpenAI's reasoning models refuse max_tokens; most compatible servers know only max_tokens.
  const tokenField = ref.provider === 'openai' ? 'max_completion_tokens' : 'max_tokens';

  return {
    async send(request: TransportRequest, signal: AbortSignal, timeoutMs: number): Promise<TransportResult> {
      const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
        model: ref.model,
        messages: request.messages,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.maxTokens === undefined ? {} : { [tokenField]: request.maxTokens }),
        ...(request.seed === undefined ? {} : { seed: request.seed }),
        ...(request.responseFormat === undefined ? {} : { response_format: responseFormatOf(request.responseFormat) }),
      };
      loaded ??= createSdkClient(ref, apiKey);
      const { client, sdk } = await loaded;
      let raw: unknown;
      try {
        if (request.onText !== undefined) {
          const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal, timeout: timeoutMs, maxRetries: 0 });
          return await readStream(stream, request.onText, ref.model);
        }
        raw = await client.chat.completions.create(body, { signal, timeout: timeoutMs, maxRetries: 0 });
      } catch (error) {
        const failure = failureFromSdkError(error, sdk, now());
        if (failure === undefined) throw error;
        return { ok: false, failure };
      }
      const parsed = CompletionBody.safeParse(raw);
      if (!parsed.success) {
        const shown = typeof raw === 'string' ? raw.slice(0, 200) : z.prettifyError(parsed.error);
        return { ok: false, failure: { kind: 'malformed', status: 200, message: `not a chat completion: ${shown}` } };
      }
      const choice = parsed.data.choices[0] as (typeof parsed.data.choices)[number];
      return {
        ok: true,
        reply: {
          text: choice.message.content ?? choice.message.refusal ?? '',
          truncated: choice.finish_reason === 'length',
          usage: { inputTokens: parsed.data.usage?.prompt_tokens ?? 0, outputTokens: parsed.data.usage?.completion_tokens ?? 0 },
          model: parsed.data.model ?? ref.model,
        },
      };
    },
  };
}
