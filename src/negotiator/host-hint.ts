import { gatherHostCandidates, type HostGathering, type HostGatheringOptions } from '../../probes/checks/host-gathering.js';

export type GatherHosts = (options: HostGatheringOptions) => Promise<HostGathering>;

/** Bounds one gathering in a browser that never ends it; Chromium ends it in ~120-190 ms. */
const GATHER_LIMIT_MS = 3_000;

/** The host-candidate hint: `'unknown'` until the first candidate, the quiet or the end. */
export interface HostHint {
  current(): HostGathering | 'quiet';
  /** Gathering has ended: `current()` changes no more. */
  ended(): boolean;
  /** Calls `listener` at each change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

const hints = new WeakMap<GatherHosts, HostHint>();

/**
 * The host-candidate hint, gathered once per page (per gatherer) and shared by every client
 * and connect: it shows the browser's own policy (UDP refused, host addresses hidden), which
 * does not change while the page lives. So a client made with `'auto'` starts it, and the
 * connect that comes later finds it known instead of gathering beside `/connect`.
 */
export function hostHint(gather: GatherHosts = gatherHostCandidates): HostHint {
  const known = hints.get(gather);
  // ended without an answer (no RTCPeerConnection, an error): worth asking again
  if (known && !(known.ended() && known.current() === 'unknown')) return known;
  let value: HostGathering | 'quiet' = 'unknown';
  let ended = false;
  const listeners = new Set<() => void>();
  const set = (next: HostGathering | 'quiet'): void => {
    value = next;
    for (const listener of [...listeners]) listener();
  };
  const stop = new AbortController();
  const limit = setTimeout(() => stop.abort(), GATHER_LIMIT_MS);
  const end = (answer: HostGathering): void => {
    ended = true;
    clearTimeout(limit);
    set(answer);
  };
  void gather({ signal: stop.signal, onQuiet: () => ended || set('quiet') }).then(end, () => end('unknown'));
  const hint: HostHint = {
    current: () => value,
    ended: () => ended,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  hints.set(gather, hint);
  return hint;
}
