import { ConvaiError } from './convai-error.js';

/** The caller's `AbortSignal` fired (or `disconnect()` was called) while we waited. */
export class AbortedError extends ConvaiError {
  override name = 'AbortedError' as const;

  constructor(what: string, reason?: unknown) {
    super('ABORTED', `${what} was aborted.`, { cause: reason });
  }
}

export function isAbortedError(value: unknown): value is AbortedError {
  return value instanceof Error && value.name === 'AbortedError';
}

/** Throws an `AbortedError` naming `what` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AbortedError(what, signal.reason);
}
