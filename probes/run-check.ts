import { linkSignal } from '../src/util/abort.js';
import type { CheckName, CheckResult, CheckStatus, ProbeProgressEvent } from './types.js';

export interface CheckContext {
  /** Fires on the caller's abort or this check's deadline. Checks return partial data then. */
  readonly signal: AbortSignal;
  /** Registers a cleanup (close a peer connection or socket) run when the check settles. */
  defer(cleanup: () => unknown): void;
  /** Milliseconds since the probe started. */
  elapsed(): number;
  /** True when this check's own deadline fired (as opposed to an abort). */
  timedOut(): boolean;
}

export interface CheckOutcome<T> {
  readonly ok: boolean;
  readonly data: T;
  readonly error?: string;
  /** The check decided it was not needed (e.g. superseded by an earlier verdict). */
  readonly skipped?: boolean;
}

export interface RunCheckOptions {
  readonly name: CheckName;
  /** The probe's signal: caller abort only. */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly probeStart: number;
  readonly emit: (event: ProbeProgressEvent) => void;
  /** Turns an error message into one with no credentials. */
  readonly redact: (text: string) => string;
}

/**
 * The one place that owns a check's status, deadline, abort and cleanup (unlike LiveKit's
 * connectionHelper gave each check its own timeouts and no cancellation; here none does).
 * Never throws: a thrown error becomes status `failed` with the fallback data.
 */
export async function runCheck<T>(
  options: RunCheckOptions & {
    /** Data to report when the check threw before producing any. */
    readonly fallback: () => T;
  },
  check: (ctx: CheckContext) => Promise<CheckOutcome<T>>,
): Promise<CheckResult<T>> {
  const started = Date.now();
  const startedAtMs = started - options.probeStart;
  const linked = linkSignal(options.signal, options.timeoutMs);
  const cleanups: (() => unknown)[] = [];
  const elapsed = (): number => Date.now() - options.probeStart;
  const emit = (status: CheckStatus): void =>
    options.emit({ type: 'check', check: options.name, status, elapsedMs: elapsed() });
  if (options.signal.aborted) {
    // cancelled before it began: open nothing at all
    linked.dispose();
    emit('aborted');
    return { name: options.name, status: 'aborted', startedAtMs, durationMs: 0, data: options.fallback() };
  }
  emit('running');
  let status: CheckStatus;
  let data: T;
  let error: string | undefined;
  try {
    const outcome = await check({ signal: linked.signal, defer: (c) => cleanups.push(c), elapsed, timedOut: linked.timedOut });
    data = outcome.data;
    error = outcome.error === undefined ? undefined : options.redact(outcome.error);
    status = options.signal.aborted ? 'aborted' : outcome.skipped ? 'skipped' : outcome.ok ? 'success' : 'failed';
  } catch (thrown) {
    data = options.fallback();
    error = options.redact(thrown instanceof Error ? thrown.message : String(thrown));
    status = options.signal.aborted ? 'aborted' : 'failed';
  } finally {
    linked.dispose();
    // reverse order: sockets opened last are usually the ones depending on earlier ones
    for (const cleanup of cleanups.reverse()) {
      try {
        await Promise.resolve(cleanup()).catch(() => undefined);
      } catch {
        // a close() that throws must not keep the others open
      }
    }
  }
  emit(status);
  return {
    name: options.name,
    status,
    startedAtMs,
    durationMs: Date.now() - started,
    data,
    ...(error === undefined ? {} : { error }),
  };
}
