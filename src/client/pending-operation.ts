/**
 * The one connect or handoff under way: later callers share its promise, and
 * `cancel()` aborts it and waits for it to settle.
 */
export class PendingOperation {
  private current: { readonly promise: Promise<void>; readonly controller: AbortController } | undefined;

  get promise(): Promise<void> | undefined {
    return this.current?.promise;
  }

  /** Starts `run` with a signal that `cancel()` and `outer` abort. */
  start(run: (signal: AbortSignal) => Promise<void>, outer?: AbortSignal): Promise<void> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener('abort', onAbort, { once: true });
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // registered before `run` starts: a `disconnect()` from a listener of the first
    // `stateChange` or `negotiation` event must find it and cancel it
    this.current = { promise, controller };
    run(controller.signal)
      .finally(() => {
        outer?.removeEventListener('abort', onAbort);
        if (this.current?.promise === promise) this.current = undefined;
      })
      .then(resolve, reject);
    return promise;
  }

  async cancel(reason: Error): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.controller.abort(reason);
    await current.promise.catch(() => undefined);
  }
}
