/**
 * Running totals of what a client did and spent: calls, cache hits, retries, tokens (spent and
 * saved by the cache), estimated cost, rate-limit slow-downs, and the same per `purpose`.
 *
 * @example
 * const usage = createUsageTracker({ inputPerMillion: 0.15, outputPerMillion: 0.6 });
 * usage.spent('persona', { inputTokens: 900, outputTokens: 120 });
 * usage.finished('persona', 'ok');
 * usage.totals({ concurrency: 8, slowdowns: 0 }).costUsd; // 0.000207
 */
import type { TokenUsage } from './transport.ts';

export type Prices = { inputPerMillion: number; outputPerMillion: number };

export type PurposeTotals = {
  calls: number;
  cachedCalls: number;
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | undefined;
};

export type UsageTotals = {
  /** complete() calls that have finished, whatever the outcome (cache hits included). */
  calls: number;
  /** Calls answered from the disk cache. */
  cachedCalls: number;
  /** Calls that threw. */
  failedCalls: number;
  /** HTTP requests sent (first tries, retries, the response_format fallback and repair re-asks). */
  requests: number;
  /** Requests that were retries after a 429, 5xx, timeout or connection error. */
  retries: number;
  /** Repair re-asks after a structured reply failed to parse or validate. */
  repairs: number;
  /** Tokens the server reported for requests actually sent (failed validations included). */
  inputTokens: number;
  outputTokens: number;
  /** Tokens of cached replies, i.e. not paid for again. */
  savedInputTokens: number;
  savedOutputTokens: number;
  /** Estimated USD for the spent tokens; undefined when no prices were given. */
  costUsd: number | undefined;
  savedCostUsd: number | undefined;
  /** 429 responses received. */
  rateLimited: number;
  /** Times a 429 lowered the concurrency. */
  slowdowns: number;
  /** The concurrency in effect now (may be below the configured one after 429s). */
  concurrency: number;
  byPurpose: Record<string, PurposeTotals>;
};

export type UsageTracker = {
  request(): void;
  retry(): void;
  repair(): void;
  rateLimited(): void;
  spent(purpose: string, usage: TokenUsage): void;
  saved(usage: TokenUsage): void;
  finished(purpose: string, outcome: 'ok' | 'cached' | 'failed'): void;
  totals(limiter: { concurrency: number; slowdowns: number }): UsageTotals;
};

export function costOf(usage: TokenUsage, prices: Prices | undefined): number | undefined {
  if (prices === undefined) return undefined;
  return (usage.inputTokens * prices.inputPerMillion + usage.outputTokens * prices.outputPerMillion) / 1_000_000;
}

export function createUsageTracker(prices: Prices | undefined): UsageTracker {
  const counts = { calls: 0, cachedCalls: 0, failedCalls: 0, requests: 0, retries: 0, repairs: 0, rateLimited: 0 };
  const spent: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const saved: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const byPurpose = new Map<string, Omit<PurposeTotals, 'costUsd'>>();
  const purpose = (name: string): Omit<PurposeTotals, 'costUsd'> => {
    let totals = byPurpose.get(name);
    if (totals === undefined) {
      totals = { calls: 0, cachedCalls: 0, failedCalls: 0, inputTokens: 0, outputTokens: 0 };
      byPurpose.set(name, totals);
    }
    return totals;
  };

  return {
    request: () => void counts.requests++,
    retry: () => void counts.retries++,
    repair: () => void counts.repairs++,
    rateLimited: () => void counts.rateLimited++,
    spent(name, usage) {
      spent.inputTokens += usage.inputTokens;
      spent.outputTokens += usage.outputTokens;
      const totals = purpose(name);
      totals.inputTokens += usage.inputTokens;
      totals.outputTokens += usage.outputTokens;
    },
    saved(usage) {
      saved.inputTokens += usage.inputTokens;
      saved.outputTokens += usage.outputTokens;
    },
    finished(name, outcome) {
      const totals = purpose(name);
      counts.calls++;
      totals.calls++;
      if (outcome === 'cached') {
        counts.cachedCalls++;
        totals.cachedCalls++;
      } else if (outcome === 'failed') {
        counts.failedCalls++;
        totals.failedCalls++;
      }
    },
    totals(limiter) {
      return {
        ...counts,
        inputTokens: spent.inputTokens,
        outputTokens: spent.outputTokens,
        savedInputTokens: saved.inputTokens,
        savedOutputTokens: saved.outputTokens,
        costUsd: costOf(spent, prices),
        savedCostUsd: costOf(saved, prices),
        slowdowns: limiter.slowdowns,
        concurrency: limiter.concurrency,
        byPurpose: Object.fromEntries(
          [...byPurpose].map(([name, totals]) => [name, { ...totals, costUsd: costOf(totals, prices) }]),
        ),
      };
    },
  };
}
