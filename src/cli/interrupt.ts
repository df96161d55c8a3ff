/**
 * Ctrl-C and SIGTERM for long LLM commands: the first signal aborts what is in flight (the LLM
 * client cancels its requests, the run keeps what it wrote and stops cleanly); a second one leaves
 * at once.
 *
 * @example
 * const interrupt = onInterrupt();
 * try { await imagineWithLlm(createLlmClient({ ...options, signal: interrupt.signal }), spec, run) } finally { interrupt.dispose() }
 */
export type Interrupt = { signal: AbortSignal; dispose(): void };

export const onInterrupt = (stream: NodeJS.WritableStream = process.stderr): Interrupt => {
  const controller = new AbortController();
  const handle = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    stream.write(`\n${name}: cancelling what is in flight and keeping what is written (again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handle);
      process.off('SIGTERM', handle);
    },
  };
};
