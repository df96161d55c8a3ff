/**
 * Turn the final failure of a call (retries spent, or not retryable) into the typed error the
 * caller sees, with a hint fitting the status. Every text passes through `redactSecret`.
 */
import type { LlmError } from './errors.ts';
import { LlmAbortedError, LlmConnectionError, LlmHttpError, LlmTimeoutError, redactSecret } from './errors.ts';
import type { ModelRef } from './model-ref.ts';
import { API_KEY_VARIABLES } from './model-ref.ts';
import type { Failure } from './retry.ts';
import { isRetryableStatus, MAX_RETRY_AFTER_MS } from './retry.ts';

export type FailureContext = {
  /** e.g. `LLM call (persona) to openai:gpt-4o-mini` */
  label: string;
  ref: ModelRef;
  attempts: number;
  timeoutMs: number;
  apiKey: string | undefined;
};

const tries = (attempts: number): string => (attempts === 1 ? '1 attempt' : `${attempts} attempts`);

function httpHint(status: number, ref: ModelRef, retryAfterMs: number | undefined): string {
  const variable = API_KEY_VARIABLES[ref.provider];
  if (status === 401 || status === 403) return `Check the key in ${variable} and that it may use model ${ref.model}.`;
  if (status === 404) return `Check the model name "${ref.model}" and the base URL${ref.baseURL === undefined ? '' : ` ${ref.baseURL}`}.`;
  if (status === 429 && retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) {
    return `The server asked to wait ${Math.round(retryAfterMs / 60_000)} min: a quota is probably used up. Try later or raise the quota.`;
  }
  if (status === 429) return 'Still rate limited after every retry: lower the concurrency, raise maxRetries, or raise the rate limit.';
  if (status >= 500 || status === 408 || status === 409) return 'The server kept failing; try again later (a rerun reuses cached replies).';
  return 'The server refused the request; its message above says why. Retrying the same request will not help.';
}

export function failureToError(failure: Failure, context: FailureContext): LlmError {
  const clean = (text: string): string => redactSecret(text, context.apiKey);
  const where = context.ref.baseURL ?? `the ${context.ref.provider} API`;
  switch (failure.kind) {
    case 'http': {
      const message = clean(failure.message);
      return new LlmHttpError(
        failure.status,
        message,
        isRetryableStatus(failure.status),
        `${context.label} failed with HTTP ${failure.status} after ${tries(context.attempts)}: ${message}`,
        { hint: httpHint(failure.status, context.ref, failure.retryAfterMs) },
      );
    }
    case 'malformed': {
      const message = clean(failure.message);
      return new LlmHttpError(failure.status, message, true, `${context.label}: unusable response after ${tries(context.attempts)}: ${message}`, {
        hint: `Check that ${where} speaks the ${context.ref.provider === 'anthropic' ? 'Anthropic Messages' : 'OpenAI chat completions'} API.`,
      });
    }
    case 'timeout':
      return new LlmTimeoutError(
        context.timeoutMs,
        context.attempts,
        `${context.label}: no reply within ${context.timeoutMs} ms in ${tries(context.attempts)}`,
        { hint: 'Raise timeoutMs for long replies, or check that the server is up and not overloaded.' },
      );
    case 'aborted':
      return new LlmAbortedError(`${context.label}: cancelled after ${tries(context.attempts)}`, {
        hint: 'The call was cancelled by its caller (Ctrl-C, a client that disconnected); rerun to pick up where it stopped.',
      });
    case 'connection':
      return new LlmConnectionError(`${context.label}: cannot reach ${where} after ${tries(context.attempts)}: ${clean(failure.message)}`, {
        hint: `Check that ${where} is running and reachable from this machine.`,
      });
  }
}
