/**
 * Anthropic's Messages API through the official `@anthropic-ai/sdk` client. System messages
 * become the `system` parameter; a structured request forces a tool whose `input_schema` is the
 * schema, and the tool call's input is the reply (the prompt asks for the JSON too, for proxies
 * that drop tools); `seed` has no Anthropic equivalent and is not sent. The key goes both as
 * `x-api-key`, as the API and most proxies expect, and as the SDK's bearer token.
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
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional(), name: z.string().optional(), input: z.unknown().optional() })),
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
    defaultHeaders: { 'x-api-key': apiKey },
  });
  return { client, sdk };
}

/** The text of a reply: the forced tool's input as JSON when there is one, else the text blocks. */
const replyText = (content: z.infer<typeof MessageBody>['content'], tool: string | undefined): string => {
  const call = tool === undefined ? undefined : content.find((block) => block.type === 'tool_use' && block.name === tool);
  if (call !== undefined) return JSON.stringify(call.input ?? null);
  return content
    .filter((block) => block.type === 'text')
    .map((block) => block.text ?? '')
    .join('');
};

const StreamEvent = z.looseObject({
  type: z.string(),
  message: z.looseObject({ model: z.string().optional(), usage: z.looseObject({ input_tokens: z.number().optional() }).optional() }).optional(),
  delta: z.looseObject({ type: z.string().optional(), text: z.string().optional(), partial_json: z.string().optional(), stop_reason: z.string().nullish() }).optional(),
  usage: z.looseObject({ output_tokens: z.number().optional() }).optional(),
});

/** Reads a streamed message; text deltas go to `onText`, a forced tool's JSON is gathered whole. */
async function readStream(stream: AsyncIterable<unknown>, onText: (delta: string) => void, model: string, tool: string | undefined): Promise<TransportResult> {
  let text = '';
  let json = '';
  let stop: string | null | undefined;
  const usage = { inputTokens: 0, outputTokens: 0 };
  for await (const raw of stream) {
    const event = StreamEvent.safeParse(raw);
    if (!event.success) continue;
    const { type, message, delta } = event.data;
    if (type === 'message_start') {
      model = message?.model ?? model;
      usage.inputTokens = message?.usage?.input_tokens ?? 0;
    } else if (type === 'content_block_delta' && delta?.type === 'text_delta' && delta.text !== undefined) {
      text += delta.text;
      if (tool === undefined) onText(delta.text);
    } else if (type === 'content_block_delta' && delta?.type === 'input_json_delta') {
      json += delta.partial_json ?? '';
    } else if (type === 'message_delta') {
      stop = delta?.stop_reason ?? stop;
      usage.outputTokens = event.data.usage?.output_tokens ?? usage.outputTokens;
    }
  }
  const reply = tool !== undefined && json !== '' ? json : text;
  if (tool !== undefined) onText(reply);
  return { ok: true, reply: { text: reply, truncated: stop === 'max_tokens', usage, model } };
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
      const format = request.responseFormat;
      const body: Anthropic.MessageCreateParamsNonStreaming = {
        model: ref.model,
        max_tokens: request.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
        messages,
        ...(system === '' ? {} : { system }),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(format === undefined
          ? {}
          : {
              tools: [{ name: format.name, description: `Reply with a ${format.name} object.`, input_schema: format.schema as Anthropic.Tool.InputSchema }],
              tool_choice: { type: 'tool', name: format.name },
            }),
      };
      loaded ??= createSdkClient(ref, apiKey);
      const { client, sdk } = await loaded;
      let raw: unknown;
      try {
        if (request.onText !== undefined) {
          const stream = await client.messages.create({ ...body, stream: true }, { signal, timeout: timeoutMs, maxRetries: 0 });
          return await readStream(stream, request.onText, ref.model, format?.name);
        }
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
      const text = replyText(parsed.data.content, format?.name);
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
