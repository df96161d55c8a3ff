/**
 * Which failures are worth another try, and how long to wait before it: exponential backoff with
 * jitter, or what the server asked for in `retry-after-ms` / `retry-after` (never less).
 *
 * @example
 * if (isRetryable(failure)) await sleep(retryDelayMs(failure, attempt, { baseMs: 1000, maxMs: 60_000 }, Math.random));
 */

/** Why one HTTP attempt failed, independent of the SDK that made it. */
export type Failure =
  | { kind: 'http'; status: number; message: string; retryAfterMs?: number | undefined }
  | { kind: 'timeout' }
  /** The caller cancelled (its AbortSignal fired): never retried. */
  | { kind: 'aborted' }
  | { kind: 'connection'; message: string }
  /** The server answered 2xx but the body was not a completion (proxy error page, cut-off JSON). */
  | { kind: 'malformed'; status: number; message: string };

export type BackoffOptions = { baseMs: number; maxMs: number };

/** Server waits longer than this are a quota running out, not a blip: fail instead of sleeping. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** 408 timeout, 409 conflict (OpenAI uses it for transient lock contention), 429 and all 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function isRetryable(failure: Failure): boolean {
  if (failure.kind === 'aborted') return false;
  if (failure.kind !== 'http') return true;
  if (!isRetryableStatus(failure.status)) return false;
  return failure.retryAfterMs === undefined || failure.retryAfterMs <= MAX_RETRY_AFTER_MS;
}

/**
 * The server's requested wait in ms: `retry-after-ms` (OpenAI) first, then `retry-after` as
 * seconds (fractions allowed) or as an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, nowMs: number): number | undefined {
  if (headers === undefined) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number.parseFloat(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

/**
 * Wait before retry number `retry` (0 for the first retry). A server-given wait is honoured and
 * spread up to 10% above it so clients that were refused together do not return together;
 * otherwise base·2^retry, capped, with "equal jitter" (between half and all of it).
 */
export function retryDelayMs(failure: Failure, retry: number, backoff: BackoffOptions, random: () => number): number {
  if (failure.kind === 'http' && failure.retryAfterMs !== undefined) {
    return failure.retryAfterMs * (1 + 0.1 * random());
  }
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** retry);
  return exponential * (0.5 + 0.5 * random());
}
