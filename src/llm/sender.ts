/**
 * Getting one reply out of a transport despite a flaky server: take a concurrency slot, race the
 * request against the timeout and the caller's AbortSignal, retry transient failures with backoff
 * (retries jump the queue), tell the limiter about 429s, and ask for JSON a weaker way (strict
 * schema → schema as a hint → the prompt alone) when a server refuses the stronger one. The final
 * failure becomes a typed LlmError; a cancelled call becomes LlmAbortedError.
 *
 * @example
 * const send = createSender({ transport, limiter, usage, label: (p) => `LLM call (${p})`, ... });
 * const reply = await send({ messages }, 'persona', { attempts: 0 });
 */
import { failureToError } from './failure-error.ts';
import type { AdaptiveLimiter } from './limiter.ts';
import type { ModelRef } from './model-ref.ts';
import type { BackoffOptions, Failure } from './retry.ts';
import { isRetryable, retryDelayMs } from './retry.ts';
import type { SendableRequest, StructuredMode, TokenUsage, Transport, TransportReply, TransportRequest, TransportResult } from './transport.ts';
import type { UsageTracker } from './usage.ts';

export type SenderOptions<Request extends SendableRequest = TransportRequest, Reply extends { usage: TokenUsage } = TransportReply> = {
  transport: Transport<Request, Reply>;
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
export type Sender<Request extends SendableRequest = TransportRequest, Reply extends { usage: TokenUsage } = TransportReply> = (
  request: Request,
  purpose: string | undefined,
  counter: { attempts: number },
  signal?: AbortSignal | undefined,
) => Promise<Reply>;

const weaker = { strict: 'schema', schema: 'prompt', prompt: 'prompt' } as const;

const abortable = (ms: number, sleep: (ms: number) => Promise<void>, signal: AbortSignal | undefined): Promise<void> => {
  if (signal === undefined) return sleep(ms);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = (): void => resolve();
    signal.addEventListener('abort', stop, { once: true });
    void sleep(ms).then(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    });
  });
};

export function createSender<Request extends SendableRequest = TransportRequest, Reply extends { usage: TokenUsage } = TransportReply>(
  options: SenderOptions<Request, Reply>,
): Sender<Request, Reply> {
  const { transport, limiter, usage, timeoutMs } = options;
  // The strongest way of asking for JSON this server has accepted; lowered when a server refuses
  // one (a 400/422 to it) and a weaker one then works.
  let strongest: StructuredMode = 'strict';

  /** One attempt under the timeout; aborts the request when the timer or the caller fires first. */
  async function attempt(request: Request, signal: AbortSignal | undefined): Promise<TransportResult<Reply>> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let stop: (() => void) | undefined;
    // The timer settles the race itself, in case an SDK ignores the abort while reading a body.
    const settled = new Promise<TransportResult<Reply>>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ ok: false, failure: { kind: 'timeout' } });
      }, timeoutMs);
      stop = () => {
        controller.abort();
        resolve({ ok: false, failure: { kind: 'aborted' } });
      };
      if (signal?.aborted === true) stop();
      else signal?.addEventListener('abort', stop, { once: true });
    });
    const sending = transport.send(request, controller.signal, timeoutMs);
    sending.catch(() => undefined); // its rejection after a timeout must not go unhandled
    try {
      return await Promise.race([sending, settled]);
    } finally {
      clearTimeout(timer);
      if (stop !== undefined) signal?.removeEventListener('abort', stop);
    }
  }

  /** The request as this attempt sends it, at `mode` or weaker if the server refused that before. */
  const shaped = (base: Request, mode: StructuredMode): Request => {
    const format = base.responseFormat;
    if (format === undefined) return base;
    let effective: StructuredMode = mode === 'strict' && format.strictSchema === undefined ? 'schema' : mode;
    if (strongest === 'schema' && effective === 'strict') effective = 'schema';
    if (strongest === 'prompt') effective = 'prompt';
    return { ...base, responseFormat: effective === 'prompt' ? undefined : { ...format, mode: effective } };
  };

  return async (base, purpose, counter, signal) => {
    let retry = 0;
    let mode: StructuredMode = base.responseFormat?.mode ?? 'prompt';
    let downgraded = false;
    let streamed = false;
    const onText = base.onText;
    const fail = (failure: Failure): never => {
      throw failureToError(failure, { label: options.label(purpose), ref: options.ref, attempts: counter.attempts, timeoutMs, apiKey: options.apiKey });
    };
    for (;;) {
      const request = shaped(base, mode);
      const sent: Request = onText === undefined ? request : { ...request, onText: (delta) => {
        streamed = true;
        onText(delta);
      } };
      // Retries jump the queue: they already waited their backoff.
      let slot;
      try {
        slot = await limiter.acquire({ priority: retry > 0 || downgraded, signal });
      } catch {
        return fail({ kind: 'aborted' });
      }
      usage.request();
      counter.attempts++;
      let result: TransportResult<Reply>;
      try {
        result = await attempt(sent, signal);
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
        if (downgraded && request.responseFormat?.mode !== 'strict') strongest = request.responseFormat === undefined ? 'prompt' : 'schema';
        return result.reply;
      }
      const failure = signal?.aborted === true ? ({ kind: 'aborted' } as const) : result.failure;
      // A 400/422 to a request asking for JSON by schema may be the server refusing that way of
      // asking (strict mode, or response_format at all): ask the weaker way once.
      if (request.responseFormat !== undefined && failure.kind === 'http' && (failure.status === 400 || failure.status === 422)) {
        mode = weaker[request.responseFormat.mode];
        downgraded = true;
        continue;
      }
      // Text already handed to the caller cannot be taken back, so a broken stream is final.
      if (!isRetryable(failure) || retry >= options.maxRetries || streamed) return fail(failure);
      const delay = retryDelayMs(failure, retry, options.backoff, options.random);
      retry++;
      usage.retry();
      await abortable(delay, options.sleep, signal);
      if (signal?.aborted === true) return fail({ kind: 'aborted' });
    }
  };
}
