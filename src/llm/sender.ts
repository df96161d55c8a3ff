/**
 * Getting one reply out of a transport despite a flaky server: take a concurrency slot, race the
 * request against the timeout, retry transient failures with backoff (retries jump the queue),
 * tell the limiter about 429s, and fall back once to no response_format when a server refuses it.
 * The final failure becomes a typed LlmError.
 *
 * @example
 * const send = createSender({ transport, limiter, usage, label: (p) => `LLM call (${p})`, ... });
 * const reply = await send({ messages }, 'persona', { attempts: 0 });
 */
import { failureToError } from './failure-error.ts';
import type { AdaptiveLimiter } from './limiter.ts';
import type { ModelRef } from './model-ref.ts';
import type { BackoffOptions } from './retry.ts';
import { isRetryable, retryDelayMs } from './retry.ts';
import type { Transport, TransportReply, TransportRequest, TransportResult } from './transport.ts';
import type { UsageTracker } from './usage.ts';

export type SenderOptions = {
  transport: Transport;
  limiter: AdaptiveLimiter;
  usage: UsageTracker;
  ref: ModelRef;
  apiKey: string | undefined;
  timeoutMs: number;
  maxRetries: number;
  backoff: BackoffOptions;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** How errors name the call, e.g. `LLM call (persona) to openai:gpt-4o-mini`. */
  label: (purpose: string | undefined) => string;
};

/** Sends until a reply arrives or the failure is final; adds every HTTP request to `counter.attempts`. */
export type Sender = (request: TransportRequest, purpose: string | undefined, counter: { attempts: number }) => Promise<TransportReply>;

export function createSender(options: SenderOptions): Sender {
  const { transport, limiter, usage, timeoutMs } = options;
  // Anthropic has no response_format; a compatible server that refuses it is remembered here.
  let responseFormatWorks = options.ref.provider !== 'anthropic';

  /** One attempt under the timeout; aborts the request when the timer fires first. */
  async function attempt(request: TransportRequest): Promise<TransportResult> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The timer settles the race itself, in case an SDK ignores the abort while reading a body.
    const timedOut = new Promise<TransportResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ ok: false, failure: { kind: 'timeout' } });
      }, timeoutMs);
    });
    const sending = transport.send(request, controller.signal, timeoutMs);
    sending.catch(() => undefined); // its rejection after a timeout must not go unhandled
    try {
      return await Promise.race([sending, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  return async (base, purpose, counter) => {
    let retry = 0;
    let withoutFormat = false;
    for (;;) {
      const request = base.responseFormat !== undefined && (!responseFormatWorks || withoutFormat) ? { ...base, responseFormat: undefined } : base;
      // Retries jump the queue: they already waited their backoff.
      const slot = await limiter.acquire({ priority: retry > 0 || withoutFormat });
      usage.request();
      counter.attempts++;
      let result: TransportResult;
      try {
        result = await attempt(request);
        if (result.ok) slot.succeeded();
        else if (result.failure.kind === 'http' && result.failure.status === 429) {
          usage.rateLimited();
          slot.rateLimited();
        }
      } finally {
        slot.release();
      }
      if (result.ok) {
        usage.spent(purpose ?? 'unspecified', result.reply.usage);
        if (withoutFormat) responseFormatWorks = false;
        return result.reply;
      }
      const failure = result.failure;
      // Any 400/422 to a request with response_format may be the server not supporting it:
      // try once without. Only a success afterwards makes the client stop sending it.
      if (request.responseFormat !== undefined && failure.kind === 'http' && (failure.status === 400 || failure.status === 422)) {
        withoutFormat = true;
        continue;
      }
      if (!isRetryable(failure) || retry >= options.maxRetries) {
        throw failureToError(failure, { label: options.label(purpose), ref: options.ref, attempts: counter.attempts, timeoutMs, apiKey: options.apiKey });
      }
      const delay = retryDelayMs(failure, retry, options.backoff, options.random);
      retry++;
      usage.retry();
      await options.sleep(delay);
    }
  };
}
