/**
 * `reverie serve`'s HTTP server (node:http): trained agents as OpenAI-compatible models, a web
 * page to chat with them and browse a dataset, and nothing else. Every request is checked (size,
 * content type, zod schema, bearer token) and answered in OpenAI's error shape when it is wrong;
 * one bad request or one failed LLM call never stops the server.
 *
 * Bound to loopback by default. There, requests whose Host header names another machine are
 * refused, so a web page elsewhere cannot reach the server through DNS rebinding.
 *
 * @example
 * const server = await startServe({ agents: [served], port: 0 });
 * // point an OpenAI client at `${server.url}/v1`
 * await server.close();
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseChatRequest } from './chat-request.ts';
import { answerChat } from './completions.ts';
import type { ServedAgent } from './completions.ts';
import type { DialogueBrowser } from './dialogues.ts';
import { ServeConfigError, ServeError, toServeError } from './errors.ts';
import { checkBearer, readBody, sendError, sendJson } from './http.ts';
import { servePage } from './page.ts';

export type ServeOptions = {
  agents: readonly ServedAgent[];
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Bearer token every API request must carry; none when absent (loopback only, unless allowed below). */
  token?: string;
  /**
   * Serve without a token on an address other than loopback, i.e. to anyone who can reach it.
   * Refused unless this is set, as notebook servers do.
   */
  unsafeAllowNoTokenOnNetwork?: boolean;
  dialogues?: DialogueBrowser;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** Default 200. */
  maxMessages?: number;
  /** Shown on the web page. */
  title?: string;
  log?: (line: string) => void;
  logRequests?: boolean;
};

export type ServeHandle = {
  url: string;
  host: string;
  port: number;
  inFlight(): number;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then drops the rest. */
  close(graceMs?: number): Promise<void>;
};

type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void;

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const isLoopback = (host: string): boolean => LOOPBACK.test(host) || host === '::1';

export const startServe = async (options: ServeOptions): Promise<ServeHandle> => {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && options.token === undefined && options.unsafeAllowNoTokenOnNetwork !== true) {
    throw new ServeConfigError(`refusing to serve on ${host} without a token: anyone who can reach this machine could use the agents (and the LLM behind them)`, {
      hint: 'Set a token (REVERIE_SERVE_TOKEN, or --token), bind to 127.0.0.1, or, if you really mean it, pass --unsafe-no-token.',
    });
  }
  if (!isLoopback(host) && options.token === undefined) {
    (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`WARNING: serving on ${host} with no token: anyone on the network can use these agents`);
  }
  const limit = options.maxBodyBytes ?? 1 << 20;
  const maxMessages = options.maxMessages ?? 200;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const agents = new Map(options.agents.map((agent) => [agent.id, agent]));
  const modelEntry = (agent: ServedAgent) => ({ id: agent.id, object: 'model', created: 0, owned_by: 'reverie', description: agent.description });
  let inFlight = 0;
  let closing = false;

  const findModel = (id: string): ServedAgent => {
    const agent = agents.get(id);
    if (agent === undefined) throw new ServeError(404, `The model \`${id}\` does not exist. Models here: ${[...agents.keys()].join(', ')}.`, { code: 'model_not_found', param: 'model' });
    return agent;
  };

  const api = (handler: Handler): Handler => (request, response, url) => {
    checkBearer(request, options.token);
    return handler(request, response, url);
  };

  const routes: Record<string, Record<string, Handler>> = {
    '/': { GET: (_request, response) => servePage(response, { title: options.title ?? 'Reverie', randomNonce: () => randomBytes(16).toString('base64') }) },
    '/api/info': { GET: (_request, response) => sendJson(response, 200, { auth: options.token !== undefined, dialogues: options.dialogues?.count ?? null, title: options.title ?? 'Reverie' }) },
    '/v1/models': { GET: api((_request, response) => sendJson(response, 200, { object: 'list', data: [...agents.values()].map(modelEntry) })) },
    '/v1/chat/completions': {
      POST: api(async (request, response) => {
        const text = await readBody(request, { limit, json: true });
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (cause) {
          throw new ServeError(400, `The request body is not valid JSON: ${(cause as Error).message}.`, { code: 'invalid_json' });
        }
        const chat = parseChatRequest(json, { maxMessages });
        await answerChat(response, chat, findModel(chat.model));
      }),
    },
    '/api/dialogues': {
      GET: api((_request, response, url) => {
        if (options.dialogues === undefined) throw new ServeError(404, 'No dataset is loaded: start the server with --data FILE.', { code: 'no_dataset' });
        sendJson(response, 200, options.dialogues.page(url.searchParams));
      }),
    },
  };

  const route = (path: string): Record<string, Handler> | undefined => {
    const fixed = routes[path];
    if (fixed !== undefined) return fixed;
    const model = /^\/v1\/models\/([^/]+)$/.exec(path);
    if (model === null) return undefined;
    return { GET: api((_request, response) => sendJson(response, 200, modelEntry(findModel(decodeURIComponent(model[1] ?? ''))))) };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (closing) response.setHeader('connection', 'close');
    const hostname = (request.headers.host ?? '').replace(/:\d+$/, '');
    if (isLoopback(host) && !isLoopback(hostname)) {
      request.resume();
      throw new ServeError(400, `This server answers only requests addressed to this machine (Host: ${hostname || 'none'}).`, { code: 'invalid_host' });
    }
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      throw new ServeError(400, 'The request URL is malformed.', { code: 'invalid_url' });
    }
    const methods = route(url.pathname);
    if (methods === undefined) {
      request.resume();
      throw new ServeError(404, `No route ${request.method ?? ''} ${url.pathname}.`, { code: 'not_found' });
    }
    const handler = methods[request.method ?? ''];
    if (handler === undefined) {
      request.resume();
      throw new ServeError(405, `${request.method ?? ''} is not allowed on ${url.pathname}; use ${Object.keys(methods).join(', ')}.`, {
        code: 'method_not_allowed',
        headers: { allow: Object.keys(methods).join(', ') },
      });
    }
    await handler(request, response, url);
  };

  const server = createServer((request, response) => {
    const started = performance.now();
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
      if (options.logRequests === true) log(`${request.method ?? ''} ${request.url ?? ''} ${response.statusCode} ${(performance.now() - started).toFixed(1)} ms`);
    });
    handle(request, response).catch((error: unknown) => {
      const failure = toServeError(error, log);
      if (!response.headersSent) sendError(response, failure);
      else response.destroy();
    });
  });
  // Bounds a client that sends its request slowly, or never finishes it.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${shownHost}:${address.port}`,
    host: address.address,
    port: address.port,
    inFlight: () => inFlight,
    close: async (graceMs = 5000) => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      server.closeAllConnections();
      await closed;
    },
  };
};
