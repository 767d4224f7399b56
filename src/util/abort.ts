import { AbortedError } from '../errors/aborted-error.js';

export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** True when our own deadline fired (as opposed to the caller's signal). */
  readonly timedOut: () => boolean;
  /** Aborts the child alone (the parent is untouched). */
  readonly abort: (reason?: unknown) => void;
  /** Removes the listener from the parent and clears the timer. Always call it. */
  readonly dispose: () => void;
}

/**
 * A child signal that fires when the parent fires or after `timeoutMs`.
 * Hand-written rather than `AbortSignal.any` + `AbortSignal.timeout` because we must
 * tell a deadline from a cancellation, and clear the timer so nothing outlives the call.
 */
export function linkSignal(parent: AbortSignal | undefined, timeoutMs?: number): LinkedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}
