/**
 * The seam between the client (retries, cache, validation) and one provider's SDK: send one
 * request once, and report the reply or why it failed in SDK-independent terms. Transports never
 * retry and never throw for HTTP, timeout or connection problems; only programming errors throw.
 */
import type { Failure } from './retry.ts';
import { parseRetryAfter } from './retry.ts';
import type { ChatMessage } from './json-output.ts';

export type TokenUsage = { inputTokens: number; outputTokens: number };

/**
 * How a structured reply is asked for: `strict` sends the strict schema with `strict: true`
 * (OpenAI; Anthropic forces a tool whose input_schema is the schema), `schema` sends the schema
 * as a hint (`strict: false`; Anthropic the same forced tool), `prompt` leaves it to the prompt.
 */
export type StructuredMode = 'strict' | 'schema' | 'prompt';

export type StructuredFormat = {
  name: string;
  schema: Record<string, unknown>;
  /** The schema's strict form (see strict-schema.ts); absent when it has none. */
  strictSchema?: Record<string, unknown> | undefined;
  mode: Exclude<StructuredMode, 'prompt'>;
};

export type TransportRequest = {
  messages: ChatMessage[];
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  seed?: number | undefined;
  /** Ask the server for JSON of this schema (OpenAI's response_format, Anthropic's forced tool). */
  responseFormat?: StructuredFormat | undefined;
  /** Stream the reply and hear each piece of text as it arrives; the reply still comes whole at the end. */
  onText?: ((delta: string) => void) | undefined;
};

export type TransportReply = { text: string; truncated: boolean; usage: TokenUsage; model: string };

export type TransportResult<Reply = TransportReply> = { ok: true; reply: Reply } | { ok: false; failure: Failure };

/** What the sender needs of a request: how it asks for JSON, and whether it streams. */
export type SendableRequest = { responseFormat?: StructuredFormat | undefined; onText?: ((delta: string) => void) | undefined };

export type Transport<Request extends SendableRequest = TransportRequest, Reply extends { usage: TokenUsage } = TransportReply> = {
  /** One attempt. `signal` aborts it; the SDK's own timeout is set to `timeoutMs` as well. */
  send(request: Request, signal: AbortSignal, timeoutMs: number): Promise<TransportResult<Reply>>;
};

/** The error classes both official SDKs expose as statics on their client class. */
export type SdkErrorClasses = {
  APIError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
};

type ErrorBody = { message?: unknown; error?: { message?: unknown } };

/** The server's own words: OpenAI nests them in `error.message`, Anthropic in `error.error.message`. */
function serverMessage(error: Error & { error?: unknown }): string {
  const body = error.error as ErrorBody | undefined;
  if (typeof body?.message === 'string') return body.message;
  if (typeof body?.error?.message === 'string') return body.error.message;
  return error.message;
}

/**
 * Map an SDK error to a Failure, or return undefined for errors that are bugs (rethrow those).
 * An abort counts as a timeout here; the sender knows when the caller aborted instead.
 */
export function failureFromSdkError(error: unknown, sdk: SdkErrorClasses, nowMs: number): Failure | undefined {
  if (error instanceof sdk.APIUserAbortError || error instanceof sdk.APIConnectionTimeoutError) return { kind: 'timeout' };
  if (error instanceof sdk.APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { kind: 'connection', message: `${error.message}${cause}` };
  }
  if (error instanceof sdk.APIError) {
    const withStatus = error as Error & { status?: unknown; headers?: Headers; error?: unknown };
    if (typeof withStatus.status === 'number') {
      return {
        kind: 'http',
        status: withStatus.status,
        message: serverMessage(withStatus),
        retryAfterMs: parseRetryAfter(withStatus.headers, nowMs),
      };
    }
    return { kind: 'connection', message: error.message };
  }
  // The SDKs call response.json() on a JSON content type, which throws this on a torn body.
  if (error instanceof SyntaxError) return { kind: 'malformed', status: 200, message: `response body is not JSON (${error.message})` };
  if (error instanceof Error && error.name === 'AbortError') return { kind: 'timeout' };
  // undici's error when the connection drops while the body is still being read.
  if (error instanceof TypeError && error.message === 'terminated') return { kind: 'connection', message: 'connection closed mid-response' };
  return undefined;
}
