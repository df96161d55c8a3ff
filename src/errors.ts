/**
 * Base of every error Reverie throws on purpose. Each subclass has a stable `name`, says what
 * went wrong and what to do about it, and carries the context needed to act on it.
 *
 * @example
 * try { await loadTask('nope') } catch (error) { if (ReverieError.isInstance(error)) console.error(error.message) }
 */
export class ReverieError extends Error {
  override readonly name: string = 'ReverieError';
  /** What the user can do about it, printed after the message by the CLI. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }

  static isInstance(error: unknown): error is ReverieError {
    return error instanceof ReverieError;
  }
}
