/**
 * Errors of the LLM call layer. All extend `LlmError` (a `ReverieError`), so a caller can catch
 * the whole family with one `instanceof`, and each says what to do in its `hint`.
 * No message, hint or field ever holds an API key: server messages are redacted before they are
 * stored here (see `redactSecret`).
 *
 * @example
 * try { await llm.complete(request) }
 * catch (error) { if (error instanceof LlmOutputError) record(error.rawText, error.issues); else throw error }
 */
import { ReverieError } from '../errors.ts';

type ErrorOptions = { hint?: string; cause?: unknown };

export class LlmError extends ReverieError {
  override readonly name: string = 'LlmError';
}

/** A bad model reference, missing API key or invalid option/request: fix the setup, do not retry. */
export class LlmConfigError extends LlmError {
  override readonly name = 'LlmConfigError';
}

/**
 * The server answered with an HTTP error (or an unusable body). `retryable` says whether it was
 * of a kind that is retried (429, 408, 409, 5xx, malformed body); when it reaches the caller,
 * the retries are already spent.
 */
export class LlmHttpError extends LlmError {
  override readonly name = 'LlmHttpError';
  readonly status: number;
  readonly retryable: boolean;
  /** The server's own error message, redacted. */
  readonly serverMessage: string;

  constructor(status: number, serverMessage: string, retryable: boolean, message: string, options: ErrorOptions = {}) {
    super(message, options);
    this.status = status;
    this.retryable = retryable;
    this.serverMessage = serverMessage;
  }
}

/** No usable connection to the server (refused, reset, DNS), after all retries. */
export class LlmConnectionError extends LlmError {
  override readonly name = 'LlmConnectionError';
}

/** Every attempt took longer than the per-call timeout. */
export class LlmTimeoutError extends LlmError {
  override readonly name = 'LlmTimeoutError';
  readonly timeoutMs: number;
  readonly attempts: number;

  constructor(timeoutMs: number, attempts: number, message: string, options: ErrorOptions = {}) {
    super(message, options);
    this.timeoutMs = timeoutMs;
    this.attempts = attempts;
  }
}

/**
 * The caller cancelled the call (its AbortSignal fired: Ctrl-C, a client that left). Nothing is
 * wrong with the server; whatever the caller had finished before is still valid.
 */
export class LlmAbortedError extends LlmError {
  override readonly name = 'LlmAbortedError';

  static override isInstance(error: unknown): error is LlmAbortedError {
    return error instanceof Error && error.name === 'LlmAbortedError';
  }
}

/** One problem with a reply, as zod reports it (path into the value) or a parse failure (path []). */
export type OutputIssue = { path: (string | number)[]; message: string };

/**
 * A structured reply that could not be parsed or validated, even after the repair re-ask (or a
 * reply cut off by the token limit). Carries every raw reply so the caller can record it.
 */
export class LlmOutputError extends LlmError {
  override readonly name = 'LlmOutputError';
  /** The last reply's text, verbatim. */
  readonly rawText: string;
  /** Every reply's text, first to last (the original and the repair). */
  readonly rawTexts: string[];
  /** What was wrong with the last reply. */
  readonly issues: OutputIssue[];
  /** The last reply stopped at the token limit (finish_reason 'length' / stop_reason 'max_tokens'). */
  readonly truncated: boolean;

  constructor(
    rawTexts: string[],
    issues: OutputIssue[],
    truncated: boolean,
    message: string,
    options: ErrorOptions = {},
  ) {
    super(message, options);
    this.rawTexts = rawTexts;
    this.rawText = rawTexts[rawTexts.length - 1] ?? '';
    this.issues = issues;
    this.truncated = truncated;
  }
}

/** Replace every occurrence of `secret` in `text` (servers sometimes echo a key back). */
export function redactSecret(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length === 0) return text;
  return text.split(secret).join('[redacted]');
}

/** `a.b.0: Required; c: Expected number` — the first few issues, for messages. */
export function describeIssues(issues: readonly OutputIssue[], max = 3): string {
  const shown = issues.slice(0, max).map((issue) => {
    const path = issue.path.join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}
