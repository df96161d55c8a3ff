/**
 * Answers a validated chat-completion request with the agent's next utterance, as one
 * `chat.completion` object or as server-sent `chat.completion.chunk` events ending with
 * `data: [DONE]`. The agent speaks a whole utterance at once; streaming sends it word by word so
 * clients that render tokens as they come work unchanged. Non-streaming answers also carry the
 * candidates the agent weighed, under `reverie` (OpenAI clients ignore unknown fields).
 *
 * @example
 * await answerChat(response, request, served);
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AgentStep, Turn } from '../task/types.ts';
import type { ChatRequest } from './chat-request.ts';
import { toTurns } from './chat-request.ts';
import { sendJson } from './http.ts';

/** An agent as the server exposes it: a model id, and the next utterance for a conversation. */
export type ServedAgent = { id: string; description: string; act(turns: readonly Turn[]): Promise<AgentStep> };

// Our agents do not tokenise; four characters a token is the usual rough count for English.
const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** Words with the whitespace before them; joined, they give the text back exactly. */
export const streamPieces = (text: string): string[] => text.match(/\s*\S+|\s+$/g) ?? [];

export const answerChat = async (response: ServerResponse, request: ChatRequest, agent: ServedAgent): Promise<void> => {
  const turns = toTurns(request.messages);
  const step = await agent.act(turns);
  if (response.destroyed) return;
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const promptTokens = estimateTokens(request.messages.map((message) => (typeof message.content === 'string' ? message.content : message.content.map((part) => part.text).join(''))).join('\n'));
  const usage = { prompt_tokens: promptTokens, completion_tokens: estimateTokens(step.text), total_tokens: promptTokens + estimateTokens(step.text) };

  if (request.stream !== true) {
    sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model: agent.id,
      choices: [{ index: 0, message: { role: 'assistant', content: step.text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage,
      reverie: { agent: agent.description, candidates: step.candidates ?? [] },
    });
    return;
  }

  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  const chunk = (delta: Record<string, string>, finish: string | null) => ({ id, object: 'chat.completion.chunk', created, model: agent.id, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const send = (data: unknown) => {
    if (!response.destroyed) response.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  };
  send(chunk({ role: 'assistant', content: '' }, null));
  for (const piece of streamPieces(step.text)) send(chunk({ content: piece }, null));
  send(chunk({}, 'stop'));
  if (request.stream_options?.include_usage === true) send({ id, object: 'chat.completion.chunk', created, model: agent.id, choices: [], usage });
  send('[DONE]');
  response.end();
};
