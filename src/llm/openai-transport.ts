/**
 * OpenAI's chat completions through the official `openai` client, for OpenAI itself and for any
 * server with the same API (vLLM, Ollama, LM Studio, llama.cpp). The SDK retries nothing here.
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
        ...(request.responseFormat === undefined
          ? {}
          : {
              response_format: {
                type: 'json_schema',
                json_schema: { name: request.responseFormat.name, schema: request.responseFormat.schema, strict: false },
              },
            }),
      };
      loaded ??= createSdkClient(ref, apiKey);
      const { client, sdk } = await loaded;
      let raw: unknown;
      try {
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
