/** A monotonic clock where there is one (browsers, Node), else wall time. */
export const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Milliseconds since `since`, to 0.1 ms: timings in results and events. */
export const elapsed = (since: number): number => Math.round((now() - since) * 10) / 10;
