/**
 * A semaphore whose limit adapts to rate limits, AIMD style: a 429 halves the limit (floor 1),
 * and after a full window of successes (as many as the current limit) it grows by one, back up
 * to the configured maximum. A burst of 429s from requests that were already in flight when the
 * limit was cut counts as one slow-down, not several, so one wave of errors does not drive the
 * limit straight to 1.
 *
 * @example
 * const limiter = createAdaptiveLimiter(8);
 * const slot = await limiter.acquire();
 * try { await send() ; slot.succeeded() } catch { slot.rateLimited() } finally { slot.release() }
 */

export type Slot = {
  /** Report a successful request (may raise the limit). */
  succeeded(): void;
  /** Report a 429 (may lower the limit). Returns true when this report lowered it. */
  rateLimited(): boolean;
  /** Give the slot back. Idempotent. */
  release(): void;
};

export type AdaptiveLimiter = {
  /**
   * Wait for a free slot. `priority` jumps the queue (used by retries, which already waited).
   * When `signal` fires first, the wait ends with the signal's reason and no slot is taken.
   */
  acquire(options?: { priority?: boolean; signal?: AbortSignal | undefined }): Promise<Slot>;
  /** The current limit. */
  limit(): number;
  /** Slots held right now. */
  active(): number;
  /** How many times a 429 lowered the limit. */
  slowdowns(): number;
};

export function createAdaptiveLimiter(max: number): AdaptiveLimiter {
  let limit = max;
  let active = 0;
  let slowdowns = 0;
  // Bumped at every cut; a slot remembers the generation it started in.
  let generation = 0;
  let successesSinceChange = 0;
  const waiting: (() => void)[] = [];

  const pump = (): void => {
    while (active < limit && waiting.length > 0) {
      active++;
      (waiting.shift() as () => void)();
    }
  };

  const makeSlot = (): Slot => {
    const startedIn = generation;
    let released = false;
    return {
      succeeded() {
        if (limit >= max) return;
        successesSinceChange++;
        if (successesSinceChange >= limit) {
          limit++;
          successesSinceChange = 0;
          pump();
        }
      },
      rateLimited() {
        if (startedIn !== generation) return false;
        generation++;
        successesSinceChange = 0;
        const lowered = Math.max(1, Math.floor(limit / 2));
        if (lowered === limit) return false;
        limit = lowered;
        slowdowns++;
        return true;
      },
      release() {
        if (released) return;
        released = true;
        active--;
        pump();
      },
    };
  };

  return {
    acquire(options = {}) {
      return new Promise<Slot>((resolve, reject) => {
        const signal = options.signal;
        if (signal?.aborted === true) {
          reject(signal.reason);
          return;
        }
        const leave = (): void => {
          const at = waiting.indexOf(grant);
          if (at >= 0) waiting.splice(at, 1);
          reject(signal?.reason);
        };
        const grant = (): void => {
          signal?.removeEventListener('abort', leave);
          resolve(makeSlot());
        };
        signal?.addEventListener('abort', leave, { once: true });
        if (options.priority === true) waiting.unshift(grant);
        else waiting.push(grant);
        pump();
      });
    },
    limit: () => limit,
    active: () => active,
    slowdowns: () => slowdowns,
  };
}
