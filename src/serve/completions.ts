/**
 * Answers a validated chat-completion request with the agent's next utterance, as one
 * `chat.completion` object or as server-sent `chat.completion.chunk` events ending with
 * `data: [DONE]`. An agent that writes as it goes (a prompted LLM) is streamed piece by piece as
 * its upstream sends them; one that speaks a whole utterance at once is sent word by word, so
 * clients that render tokens as they come work unchanged. A client that hangs up cancels the
 * agent's work (and its upstream LLM request). Token counts come from a real BPE tokenizer.
 * Non-streaming answers also carry the candidates the agent weighed, under `reverie` (OpenAI
 * clients ignore unknown fields).
 *
 * @example
 * await answerChat(response, request, served);
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ActOptions, AgentStep, Turn } from '../task/types.ts';
import type { ChatRequest } from './chat-request.ts';
import { toTurns } from './chat-request.ts';
import { sendJson } from './http.ts';

/** An agent as the server exposes it: a model id, and the next utterance for a conversation. */
export type ServedAgent = { id: string; description: string; act(turns: readonly Turn[], options?: ActOptions): Promise<AgentStep> };

/** Words with the whitespace before them; joined, they give the text back exactly. */
export const streamPieces = (text: string): string[] => text.match(/\s*\S+|\s+$/g) ?? [];

const textOf = (content: ChatRequest['messages'][number]['content']): string => (typeof content === 'string' ? content : content.map((part) => part.text).join(''));

// Loaded on the first answer: its vocabulary takes a moment, which other commands need not pay.
let tokenizer: Promise<typeof import('gpt-tokenizer')> | undefined;

/** Usage as OpenAI reports it, counted with the o200k BPE (GPT-4o's tokenizer). */
export const usageOf = async (request: ChatRequest, reply: string) => {
  tokenizer ??= import('gpt-tokenizer');
  const { countTokens } = await tokenizer;
  const prompt = request.messages.reduce((sum, message) => sum + countTokens(textOf(message.content)), 0);
  const completion = countTokens(reply);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
};

/** Aborts when the client hangs up before the answer is complete. */
const cancelOnHangUp = (response: ServerResponse): AbortController => {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller;
};

export const answerChat = async (response: ServerResponse, request: ChatRequest, agent: ServedAgent): Promise<void> => {
  const turns = toTurns(request.messages);
  const controller = cancelOnHangUp(response);
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);

  if (request.stream !== true) {
    const step = await agent.act(turns, { signal: controller.signal });
    if (response.destroyed) return;
    sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model: agent.id,
      choices: [{ index: 0, message: { role: 'assistant', content: step.text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: await usageOf(request, step.text),
      reverie: { agent: agent.description, candidates: step.candidates ?? [] },
    });
    return;
  }

  const chunk = (delta: Record<string, string>, finish: string | null) => ({ id, object: 'chat.completion.chunk', created, model: agent.id, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const send = (data: unknown) => {
    if (!response.destroyed) response.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  };
  // Headers go out with the first piece, so a failure before it still gets a proper error status.
  const start = (): void => {
    if (response.headersSent) return;
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    send(chunk({ role: 'assistant', content: '' }, null));
  };
  let streamed = false;
  const step = await agent.act(turns, {
    signal: controller.signal,
    onText: (delta) => {
      streamed = true;
      start();
      send(chunk({ content: delta }, null));
    },
  });
  if (response.destroyed) return;
  start();
  if (!streamed) for (const piece of streamPieces(step.text)) send(chunk({ content: piece }, null));
  send(chunk({}, 'stop'));
  if (request.stream_options?.include_usage === true) send({ id, object: 'chat.completion.chunk', created, model: agent.id, choices: [], usage: await usageOf(request, step.text) });
  send('[DONE]');
  response.end();
};
