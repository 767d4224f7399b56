import type { CandidateSession, NegotiationHost } from '../client/auto-registry.js';
import type { NegotiationResult } from '../client/negotiation-types.js';
import { linkSignal } from '../util/abort.js';
import { elapsed, now } from '../util/clock.js';

export interface UpgradeOptions {
  /** A LiveKit attempt already under way (the one the race kept), tried first. */
  readonly candidate?: Promise<CandidateSession>;
  /** How long to keep trying. */
  readonly windowMs: number;
  /** Pause between failed attempts. @default 1000 */
  readonly retryMs?: number;
  /** Runs once the conversation is on LiveKit (the caller remembers the new choice). */
  readonly onUpgraded?: () => void;
  /** Ends the window early (the probe showed WebRTC cannot work here). */
  readonly stop?: AbortSignal;
}

/** The result after an upgrade: the same conversation, now on WebRTC, and why. */
export function upgradedResult(current: NegotiationResult, afterMs: number): NegotiationResult {
  const earlier = current.reasons.filter((r) => r !== 'CACHED_VERDICT' && r !== 'UPGRADED_TO_WEBRTC');
  return { ...current, transport: 'livekit', reasons: ['UPGRADED_TO_WEBRTC', ...earlier], upgrade: { from: 'websocket', to: 'livekit', afterMs } };
}

const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * After a provisional WebSocket choice (or a network change), keeps trying WebRTC in the
 * background, bounded by `windowMs` and by the session's lifetime; when a LiveKit session
 * connects, the client moves the conversation onto it between turns (same
 * `character_session_id`, no `disconnect`). Never throws; resolves when it is over.
 */
export async function upgradeInBackground(host: NegotiationHost, options: UpgradeOptions): Promise<boolean> {
  const started = now();
  const window = linkSignal(host.lifetime, options.windowMs);
  const onStop = (): void => window.abort(options.stop?.reason);
  if (options.stop?.aborted) onStop();
  else options.stop?.addEventListener('abort', onStop, { once: true });
  let next = options.candidate;
  try {
    while (!window.signal.aborted) {
      let candidate: CandidateSession;
      try {
        candidate = await (next ?? host.prepareTransport('livekit', { signal: window.signal }));
      } catch {
        next = undefined;
        await pause(options.retryMs ?? 1_000, window.signal);
        continue;
      }
      next = undefined;
      if (window.signal.aborted) {
        await candidate.discard();
        return false;
      }
      // the switch itself is bounded by the session's lifetime, not by the window
      const moved = await host.upgrade(candidate, (current) => upgradedResult(current, elapsed(started)), host.lifetime);
      if (moved) options.onUpgraded?.();
      return moved;
    }
    return false;
  } finally {
    window.dispose();
    options.stop?.removeEventListener('abort', onStop);
    // a kept candidate that settles after the window closed is closed too
    void next?.then((late) => late.discard(), () => undefined);
  }
}

/**
 * Calls `onChange` when the browser reports a network change (`online`, or a new
 * connection type where the Network Information API exists), until the session ends.
 */
export function watchNetwork(lifetime: AbortSignal, onChange: () => void): void {
  type Target = { addEventListener(type: string, fn: () => void): void; removeEventListener(type: string, fn: () => void): void };
  const g = globalThis as { addEventListener?: Target['addEventListener']; removeEventListener?: Target['removeEventListener']; navigator?: { connection?: Target } };
  const targets: Target[] = [];
  if (typeof g.addEventListener === 'function' && typeof g.removeEventListener === 'function') targets.push(g as Target);
  const connection = g.navigator?.connection;
  if (connection && typeof connection.addEventListener === 'function') targets.push(connection);
  if (targets.length === 0 || lifetime.aborted) return;
  const events = (t: Target): string => (t === connection ? 'change' : 'online');
  for (const t of targets) t.addEventListener(events(t), onChange);
  lifetime.addEventListener('abort', () => {
    for (const t of targets) t.removeEventListener(events(t), onChange);
  }, { once: true });
}
