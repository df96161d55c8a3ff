/**
 * Streamed answers of the scripted LLM server: a reply's text as server-sent events in the shape
 * of each API (OpenAI `chat.completion.chunk`s ending with `[DONE]`; Anthropic's message_start …
 * message_stop), a chunk a word, `chunkDelayMs` apart, so a test can see the first chunk arrive
 * long before the last. A client that hangs up stops the stream.
 *
 * @example
 * await streamReply(response, 'chat', body, 0, { text: 'Hello there', chunkDelayMs: 50, usage });
 */
import type { ServerResponse } from 'node:http';
import type { ScriptedRequestBody, ScriptedUsage } from './scripted-llm-server.ts';

type StreamedReply = { text: string; finishReason?: 'stop' | 'length'; usage: ScriptedUsage; model?: string; headers?: Record<string, string>; chunkDelayMs?: number };

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Words with the whitespace before them, so they join back to the exact text. */
const pieces = (text: string): string[] => text.match(/\s*\S+|\s+$/g) ?? [];

export async function streamReply(response: ServerResponse, endpoint: 'chat' | 'messages', body: ScriptedRequestBody, index: number, reply: StreamedReply): Promise<void> {
  if (response.destroyed) return;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
  const model = reply.model ?? body.model ?? 'scripted-model';
  const cut = reply.finishReason === 'length';
  const event = (data: unknown, name?: string): void => {
    if (!response.destroyed) response.write(`${name === undefined ? '' : `event: ${name}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  };
  const delay = reply.chunkDelayMs ?? 0;

  if (endpoint === 'chat') {
    const chunk = (delta: Record<string, string>, finish: string | null) => ({
      id: `chatcmpl-scripted-${index}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    event(chunk({ role: 'assistant', content: '' }, null));
    for (const piece of pieces(reply.text)) {
      if (delay > 0) await wait(delay);
      if (response.destroyed) return;
      event(chunk({ content: piece }, null));
    }
    event(chunk({}, cut ? 'length' : 'stop'));
    const usage = { prompt_tokens: reply.usage.inputTokens, completion_tokens: reply.usage.outputTokens, total_tokens: reply.usage.inputTokens + reply.usage.outputTokens };
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage === true) event({ ...chunk({}, null), choices: [], usage });
    event('[DONE]');
    response.end();
    return;
  }

  event({ type: 'message_start', message: { id: `msg_scripted_${index}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: reply.usage.inputTokens, output_tokens: 0 } } }, 'message_start');
  event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
  for (const piece of pieces(reply.text)) {
    if (delay > 0) await wait(delay);
    if (response.destroyed) return;
    event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }, 'content_block_delta');
  }
  event({ type: 'content_block_stop', index: 0 }, 'content_block_stop');
  event({ type: 'message_delta', delta: { stop_reason: cut ? 'max_tokens' : 'end_turn', stop_sequence: null }, usage: { output_tokens: reply.usage.outputTokens } }, 'message_delta');
  event({ type: 'message_stop' }, 'message_stop');
  response.end();
}
