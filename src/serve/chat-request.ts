/**
 * The body of `POST /v1/chat/completions`, as OpenAI's clients send it, checked with zod. Fields
 * that change nothing for a trained agent (temperature, max_tokens, …) are accepted and ignored;
 * what it cannot honour (n > 1, tools, images) is refused with a 400 naming the field.
 *
 * @example
 * const request = parseChatRequest(JSON.parse(text), { maxMessages: 200 });
 * const turns = toTurns(request.messages);
 */
import { z } from 'zod';
import type { Turn } from '../task/types.ts';
import { ServeError } from './errors.ts';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(textPart)]);

const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  // Null content (an assistant turn that only called tools) is refused: these agents call no tools.
  content,
  name: z.string().optional(),
});

const chatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  n: z.literal(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  seed: z.number().int().nullish(),
  user: z.string().nullish(),
  tools: z.array(z.unknown()).max(0, 'tools are not supported by this agent').nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessageIn = z.infer<typeof message>;

export const parseChatRequest = (json: unknown, limits: { maxMessages: number }): ChatRequest => {
  if (Array.isArray(json) || json === null || typeof json !== 'object') {
    throw new ServeError(400, 'The request body must be a JSON object.', { code: 'invalid_request_body' });
  }
  const messages = (json as { messages?: unknown }).messages;
  // Counted before validation, so a huge array is refused without checking every element.
  if (Array.isArray(messages) && messages.length > limits.maxMessages) {
    throw new ServeError(400, `Too many messages: ${messages.length}, at most ${limits.maxMessages}.`, { code: 'too_many_messages', param: 'messages' });
  }
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    throw new ServeError(400, `Invalid request: ${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid'}.`, {
      code: 'invalid_value',
      ...(path === '' ? {} : { param: path }),
    });
  }
  return parsed.data;
};

const textOf = (value: ChatMessageIn['content']): string => (typeof value === 'string' ? value : value.map((part) => part.text).join(''));

/** user → user, assistant → agent; system and developer messages are the client's notes, not turns. */
export const toTurns = (messages: readonly ChatMessageIn[]): Turn[] =>
  messages.filter((entry) => entry.role === 'user' || entry.role === 'assistant').map((entry) => ({ role: entry.role === 'user' ? 'user' : 'agent', text: textOf(entry.content) }));
