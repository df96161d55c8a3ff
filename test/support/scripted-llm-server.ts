/**
 * A real HTTP server on 127.0.0.1 (random port) that plays an LLM API from a script, for tests
 * and benchmarks that must exercise the real SDKs without the network. It speaks:
 *
 * - OpenAI: `POST /v1/chat/completions` (streaming too), `POST /v1/embeddings` and
 *   `GET /v1/models` — point an OpenAI client at `server.baseURL`;
 * - Anthropic: `POST /v1/messages` (streaming too) — point an Anthropic client at `server.origin`.
 *   A request that forces a tool gets a `tool_use` block holding the reply's JSON, as Claude
 *   answers (a reply that is not JSON comes back as text, as from a proxy that drops tools).
 *
 * A request with `"stream": true` gets server-sent events: the reply's text in word-sized chunks,
 * `chunkDelayMs` apart (default 0). Embeddings are deterministic vectors derived from each input's
 * words (`embeddingOf`), unless `options.embeddings` answers instead (to play faults).
 *
 * The script decides each completion request's reply from the parsed body and the 0-based index
 * of the request among all completion requests (both endpoints share one counter):
 *
 * | reply                                   | what the client receives                                   |
 * |-----------------------------------------|------------------------------------------------------------|
 * | `{ text }`                              | a normal completion; usage is estimated (chars / 4) unless `usage` is given |
 * | `{ text, chunkDelayMs }`                | streamed requests: this long between chunks                |
 * | `{ text, finishReason: 'length' }`      | a reply cut off by the token limit (Anthropic: stop_reason max_tokens) |
 * | `{ text, delayMs }`                     | the same after a delay (any reply may have `delayMs`)      |
 * | `{ status, body?, headers? }`           | an error status, e.g. 429 with `{ 'retry-after': '0.05' }`; the body defaults to the API's error shape |
 * | `{ hang: true }`                        | no answer until the client gives up or the server closes   |
 * | `{ raw, status?, contentType? }`        | this exact body (default 200, application/json): malformed JSON and the like |
 * | `{ destroy: true }`                     | the connection is dropped without an answer                |
 *
 * Every completion request is recorded (headers and parsed body) in `requests`; `inFlight()` and
 * `maxInFlight()` count requests that have arrived and not yet been answered or abandoned, and a
 * request whose client hung up before the answer was complete gets `cancelledAt` (ms since start).
 * A script that throws makes a 500 whose message starts with "script threw", and the error is
 * kept in `scriptErrors` so the test can fail on it.
 *
 * @example
 * const server = await startScriptedServer((body, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '0.05' } } : { text: 'hi' }));
 * const openai = new OpenAI({ baseURL: server.baseURL, apiKey: 'test' });
 * ...
 * await server.close();
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { streamReply } from './scripted-stream.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedUsage = { inputTokens: number; outputTokens: number };

export type ScriptedReply =
  | { text: string; finishReason?: 'stop' | 'length'; usage?: ScriptedUsage; model?: string; headers?: Record<string, string>; delayMs?: number; chunkDelayMs?: number }
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { raw: string; status?: number; contentType?: string; headers?: Record<string, string>; delayMs?: number }
  | { destroy: true; delayMs?: number };

/** The parsed JSON body of a completion request; `messages` as both APIs send them. */
export type ScriptedRequestBody = {
  model?: string;
  messages: { role: string; content: string }[];
  [field: string]: unknown;
};

export type RecordedRequest = {
  index: number;
  endpoint: 'chat' | 'messages' | 'embeddings';
  method: string;
  path: string;
  /** Lower-cased header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: ScriptedRequestBody;
  /** ms since the server started, when the request arrived. */
  receivedAt: number;
  /** ms since the server started, when the answer was complete. */
  answeredAt?: number;
  /** ms since the server started, when the client hung up before the answer was complete. */
  cancelledAt?: number;
};

export type ScriptedServerOptions = {
  models?: string[];
  /** Answers `POST /v1/embeddings` requests (by 0-based index among them); undefined answers normally. */
  embeddings?: (inputs: string[], index: number) => ScriptedReply | undefined | Promise<ScriptedReply | undefined>;
  /** Length of the vectors of `/v1/embeddings` (default 16). */
  dimension?: number;
};

export type Script = (body: ScriptedRequestBody, index: number, request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;

export type ScriptedServer = {
  /** `http://127.0.0.1:PORT/v1`, the base URL for OpenAI-style clients. */
  baseURL: string;
  /** `http://127.0.0.1:PORT`, the base URL for the Anthropic client (it appends /v1/messages). */
  origin: string;
  requests: RecordedRequest[];
  /** Every `/v1/embeddings` request, apart from the completion requests. */
  embeddingRequests: RecordedRequest[];
  scriptErrors: unknown[];
  inFlight(): number;
  maxInFlight(): number;
  /** Stop listening and drop every open connection, hanging ones included. */
  close(): Promise<void>;
};

/** A script that plays `replies` in order and repeats the last one. */
export function sequence(...replies: ScriptedReply[]): Script {
  if (replies.length === 0) throw new Error('sequence() needs at least one reply');
  return (_body, index) => replies[Math.min(index, replies.length - 1)] as ScriptedReply;
}

const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function inputTokensOf(body: ScriptedRequestBody): number {
  const parts = (body.messages ?? []).map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)));
  if (typeof body.system === 'string') parts.push(body.system);
  return estimateTokens(parts.join('\n'));
}

function completionBody(endpoint: RecordedRequest['endpoint'], body: ScriptedRequestBody, index: number, reply: Extract<ScriptedReply, { text: string }>): unknown {
  const model = reply.model ?? body.model ?? 'scripted-model';
  const usage = reply.usage ?? { inputTokens: inputTokensOf(body), outputTokens: estimateTokens(reply.text) };
  const cut = reply.finishReason === 'length';
  if (endpoint === 'messages') {
    const tool = forcedTool(body);
    const json = tool === undefined ? undefined : parseJson(reply.text);
    return {
      id: `msg_scripted_${index}`,
      type: 'message',
      role: 'assistant',
      model,
      content: json === undefined ? [{ type: 'text', text: reply.text }] : [{ type: 'tool_use', id: `toolu_${index}`, name: tool, input: json }],
      stop_reason: cut ? 'max_tokens' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
    };
  }
  return {
    id: `chatcmpl-scripted-${index}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply.text, refusal: null }, logprobs: null, finish_reason: cut ? 'length' : 'stop' }],
    usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens },
  };
}

/** The tool an Anthropic request forces (`tool_choice: {type: 'tool', name}`), if any. */
export function forcedTool(body: ScriptedRequestBody): string | undefined {
  const choice = body.tool_choice as { type?: string; name?: string } | undefined;
  return choice?.type === 'tool' ? choice.name : undefined;
}

/**
 * The JSON Schema a request asks its reply to follow: OpenAI's response_format, or the input_schema
 * of the tool an Anthropic request forces. Undefined for free text.
 */
export function requestedSchema(body: ScriptedRequestBody): Record<string, unknown> | undefined {
  const format = body.response_format as { type?: string; json_schema?: { schema?: Record<string, unknown> } } | undefined;
  if (format?.type === 'json_schema') return format.json_schema?.schema;
  const tool = forcedTool(body);
  const tools = (body.tools ?? []) as { name?: string; input_schema?: Record<string, unknown> }[];
  return tool === undefined ? undefined : tools.find((entry) => entry.name === tool)?.input_schema;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A fixed pseudo-random direction per word, the same in every run: the word's column of the projection. */
function wordDirection(word: string, dimension: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimension; block++) {
    const digest = createHash('sha256').update(`${block}:${word}`).digest();
    for (let at = 0; at + 4 <= digest.length && values.length < dimension; at += 4) values.push(digest.readInt32BE(at) / 2 ** 31);
  }
  return values;
}

/**
 * A deterministic unit vector for a text: a fixed random projection of its bag of words and
 * bigrams (lower-cased), so texts that share words point the same way and a changed answer moves
 * the vector — like a real embedding model in that respect, though it knows no synonyms or
 * paraphrase. A text without words gets the direction of the whole text.
 */
export function embeddingOf(text: string, dimension = 16): number[] {
  const words = text.toLowerCase().match(/[a-z0-9]+(?:['-][a-z0-9]+)*/g) ?? [];
  const features = words.length === 0 ? [`text:${text}`] : [...words, ...words.slice(1).map((word, at) => `${words[at]} ${word}`)];
  const sum = new Array<number>(dimension).fill(0);
  for (const feature of features) wordDirection(feature, dimension).forEach((value, at) => (sum[at] = (sum[at] ?? 0) + value));
  const norm = Math.hypot(...sum) || 1;
  return sum.map((value) => value / norm);
}

function errorBody(endpoint: RecordedRequest['endpoint'], status: number, message: string): unknown {
  return endpoint === 'messages'
    ? { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message } }
    : { error: { message, type: 'scripted_error', param: null, code: null } };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  if (response.destroyed || response.writableEnded) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startScriptedServer(script: Script | ScriptedReply[], options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const play = Array.isArray(script) ? sequence(...script) : script;
  const started = Date.now();
  const requests: RecordedRequest[] = [];
  const embeddingRequests: RecordedRequest[] = [];
  const scriptErrors: unknown[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let counter = 0;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] as string;
    if (request.method === 'GET' && path === '/v1/models') {
      const data = (options.models ?? ['scripted-model']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' }));
      send(response, 200, { object: 'list', data });
      return;
    }
    const endpoint = path === '/v1/chat/completions' ? 'chat' : path === '/v1/messages' ? 'messages' : path === '/v1/embeddings' ? 'embeddings' : undefined;
    if (request.method !== 'POST' || endpoint === undefined) {
      send(response, 404, errorBody('chat', 404, `no route ${request.method} ${path}`));
      return;
    }
    let body: ScriptedRequestBody;
    try {
      body = JSON.parse(await readBody(request)) as ScriptedRequestBody;
    } catch {
      send(response, 400, errorBody(endpoint, 400, 'request body is not JSON'));
      return;
    }
    const list = endpoint === 'embeddings' ? embeddingRequests : requests;
    const recorded: RecordedRequest = { index: endpoint === 'embeddings' ? embeddingRequests.length : counter++, endpoint, method: request.method, path, headers: { ...request.headers }, body, receivedAt: Date.now() - started };
    list.push(recorded);

    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    response.on('finish', () => {
      recorded.answeredAt = Date.now() - started;
    });
    response.on('close', () => {
      if (counted) inFlight--;
      counted = false;
      if (!response.writableFinished) recorded.cancelledAt = Date.now() - started;
    });

    let reply: ScriptedReply;
    try {
      if (endpoint === 'embeddings') {
        const inputs = (Array.isArray(body.input) ? body.input : [body.input]).map(String);
        const scripted = await options.embeddings?.(inputs, recorded.index);
        const dimension = options.dimension ?? 16;
        const data = inputs.map((text, at) => ({ object: 'embedding', index: at, embedding: embeddingOf(text, dimension) }));
        const tokens = inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
        reply = scripted ?? { raw: JSON.stringify({ object: 'list', data, model: body.model ?? 'scripted-embedding', usage: { prompt_tokens: tokens, total_tokens: tokens } }) };
      } else reply = await play(body, recorded.index, recorded);
    } catch (error) {
      scriptErrors.push(error);
      send(response, 500, errorBody(endpoint, 500, `script threw: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    if ('hang' in reply) return; // answered never; close() drops the socket
    if (reply.delayMs !== undefined) await wait(reply.delayMs);
    if ('destroy' in reply) {
      request.socket.destroy();
      return;
    }
    if ('raw' in reply) {
      send(response, reply.status ?? 200, reply.raw, reply.headers, reply.contentType);
      return;
    }
    if ('status' in reply) {
      send(response, reply.status, reply.body ?? errorBody(endpoint === 'messages' ? 'messages' : 'chat', reply.status, `scripted ${reply.status}`), reply.headers);
      return;
    }
    if (endpoint === 'embeddings') {
      send(response, 500, errorBody('chat', 500, 'an embeddings request can only be answered with an error or raw body'));
      return;
    }
    if (body.stream === true) {
      await streamReply(response, endpoint, body, recorded.index, { ...reply, usage: reply.usage ?? { inputTokens: inputTokensOf(body), outputTokens: estimateTokens(reply.text) } });
      return;
    }
    send(response, 200, completionBody(endpoint, body, recorded.index, reply), reply.headers);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      scriptErrors.push(error);
      if (!response.headersSent) send(response, 500, errorBody('chat', 500, String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    baseURL: `${origin}/v1`,
    origin,
    requests,
    embeddingRequests,
    scriptErrors,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
