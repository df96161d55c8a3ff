import { describe, expect, it } from 'vitest';
import { isRetryable, isRetryableStatus, parseRetryAfter, retryDelayMs } from './retry.ts';

const headers = (values: Record<string, string>): Headers => new Headers(values);

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads ms, seconds and dates', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.05' }), now)).toBe(50);
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }), now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after-ms': '-1', 'retry-after': '1' }), now)).toBe(1000);
  });
});

describe('retry policy', () => {
  it('retries 408, 409, 429 and 5xx only', () => {
    expect([400, 401, 403, 404, 408, 409, 422, 429, 500, 503, 529].filter(isRetryableStatus)).toEqual([408, 409, 429, 500, 503, 529]);
    expect(isRetryable({ kind: 'timeout' })).toBe(true);
    expect(isRetryable({ kind: 'connection', message: 'x' })).toBe(true);
    expect(isRetryable({ kind: 'http', status: 429, message: 'x', retryAfterMs: 11 * 60_000 })).toBe(false);
  });
  it('backs off exponentially with jitter, capped, and honours retry-after', () => {
    const backoff = { baseMs: 100, maxMs: 1000 };
    const failure = { kind: 'http', status: 500, message: 'x' } as const;
    expect([0, 1, 2, 3, 4].map((retry) => retryDelayMs(failure, retry, backoff, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(retryDelayMs(failure, 0, backoff, () => 0)).toBe(50);
    expect(retryDelayMs({ ...failure, status: 429, retryAfterMs: 5000 }, 0, backoff, () => 0)).toBe(5000);
    expect(retryDelayMs({ ...failure, status: 429, retryAfterMs: 5000 }, 0, backoff, () => 1)).toBeCloseTo(5500);
  });
});
