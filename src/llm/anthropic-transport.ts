/**
 * Anthropic's Messages API through the official `@anthropic-ai/sdk` client. System messages
 * become the `system` parameter; JSON is asked for in that prompt (the client adds it), since
 * there is no response_format; `seed` has no Anthropic equivalent and is not sent.
 * The SDK is imported on the first request, so commands that never call Claude do not load it.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { ModelRef } from './model-ref.ts';
import type { Transport, TransportRequest, TransportResult } from './transport.ts';
import { failureFromSdkError } from './transport.ts';

const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** max_tokens is required by the API; this is used when the request sets none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

const MessageBody = z.object({
  model: z.string().optional(),
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullish(),
  usage: z.looseObject({ input_tokens: z.number().int().nonnegative(), output_tokens: z.number().int().nonnegative() }).nullish(),
});

async function createSdkClient(ref: ModelRef, apiKey: string): Promise<{ client: Anthropic; sdk: typeof Anthropic }> {
  const { default: sdk } = await import('@anthropic-ai/sdk');
  const client = new sdk({
    // Key and URL are explicit so the SDK takes no other credential (ANTHROPIC_AUTH_TOKEN, profiles)
    // or URL from the environment (it still honours ANTHROPIC_CUSTOM_HEADERS); logging is off.
    apiKey,
    baseURL: ref.baseURL ?? ANTHROPIC_BASE_URL,
    maxRetries: 0,
    logLevel: 'off',
  });
  return { client, sdk };
}

export function createAnthropicTransport(ref: ModelRef, apiKey: string, now: () => number): Transport {
  let loaded: Promise<{ client: Anthropic; sdk: typeof Anthropic }> | undefined;

  return {
    async send(request: TransportRequest, signal: AbortSignal, timeoutMs: number): Promise<TransportResult> {
      const system = request.messages
        .filter((message) => message.role === 'system')
        .map((message) => message.content)
        .join('\n\n');
      const messages = request.messages.flatMap((message) =>
        message.role === 'system' ? [] : [{ role: message.role, content: message.content }],
      );
      const body: Anthropic.MessageCreateParamsNonStreaming = {
        model: ref.model,
        max_tokens: request.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
        messages,
        ...(system === '' ? {} : { system }),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      };
      loaded ??= createSdkClient(ref, apiKey);
      const { client, sdk } = await loaded;
      let raw: unknown;
      try {
        // An explicit timeout also skips the SDK's refusal of large non-streaming max_tokens.
        raw = await client.messages.create(body, { signal, timeout: timeoutMs, maxRetries: 0 });
      } catch (error) {
        const failure = failureFromSdkError(error, sdk, now());
        if (failure === undefined) throw error;
        return { ok: false, failure };
      }
      const parsed = MessageBody.safeParse(raw);
      if (!parsed.success) {
        const shown = typeof raw === 'string' ? raw.slice(0, 200) : z.prettifyError(parsed.error);
        return { ok: false, failure: { kind: 'malformed', status: 200, message: `not a message: ${shown}` } };
      }
      const text = parsed.data.content
        .filter((block) => block.type === 'text')
        .map((block) => block.text ?? '')
        .join('');
      return {
        ok: true,
        reply: {
          text,
          truncated: parsed.data.stop_reason === 'max_tokens',
          usage: { inputTokens: parsed.data.usage?.input_tokens ?? 0, outputTokens: parsed.data.usage?.output_tokens ?? 0 },
          model: parsed.data.model ?? ref.model,
        },
      };
    },
  };
}
