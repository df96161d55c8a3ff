/**
 * Errors the server answers with, in OpenAI's shape `{error: {message, type, param, code}}` so
 * that OpenAI clients raise their own typed errors (401 → AuthenticationError, 404 →
 * NotFoundError, …). Anything that is not a ServeError becomes a 500 whose message says nothing
 * about the server's insides; LLM failures behind an agent become 502.
 *
 * @example
 * throw new ServeError(404, 'The model `x` does not exist', { code: 'model_not_found', param: 'model' });
 */
import { ReverieError } from '../errors.ts';
import { LlmAbortedError, LlmError } from '../llm/errors.ts';
import { EmptyReplyError } from '../agent/prompted.ts';
import { ProposalError } from '../agent/value-agent.ts';

export type OpenAiErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

const typeFor = (status: number): string =>
  status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : status === 502 ? 'upstream_error' : status >= 500 ? 'server_error' : 'invalid_request_error';

/** The server cannot start as asked (e.g. exposed to the network without a token). */
export class ServeConfigError extends ReverieError {
  override readonly name = 'ServeConfigError';
}

export class ServeError extends ReverieError {
  override readonly name = 'ServeError';
  readonly status: number;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: { code?: string; param?: string; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.status = status;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: typeFor(this.status), param: this.param, code: this.code } };
  }
}

/** What a failure while answering becomes; `log` hears about the ones that are our fault. */
export const toServeError = (error: unknown, log: (line: string) => void): ServeError => {
  if (error instanceof ServeError) return error;
  // The client hung up and its upstream call was cancelled with it: nobody is left to answer.
  if (LlmAbortedError.isInstance(error)) {
    log('client disconnected: its upstream LLM request was cancelled');
    return new ServeError(499, 'The client closed the request.', { code: 'client_closed_request', cause: error });
  }
  if (error instanceof LlmError || error instanceof ProposalError || error instanceof EmptyReplyError) {
    log(`upstream LLM failed: ${error.message}`);
    return new ServeError(502, `The agent's LLM failed: ${error.message}`, { code: 'upstream_error', cause: error });
  }
  log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new ServeError(500, 'The server failed to answer this request; see its log.', { code: 'internal_error', cause: error });
};
