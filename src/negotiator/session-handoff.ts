import type { ResolvedConfig, TransportPreference } from '../client/config.js';
import type { TransportKind } from '../transports/transport-session.js';
import type { ConvaiError } from '../errors/convai-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import { loadWebSocketTransport, type WebSocketModuleLoader } from './load-websocket.js';
import { getWebSocketFactory } from '../client/websocket-registry.js';
import type { HandoffInfo, NegotiationEvent, NegotiationResult } from './negotiation-types.js';

/**
 * Mid-session handoff: a conversation that lost its LiveKit connection, after
 * LiveKit's own reconnection gave up, continues over WebSocket under the same
 * `character_session_id`. The negotiator decides whether and how; the client only
 * reports the loss, emits the events and exposes the result.
 */

/** A session that ended without `disconnect()`, as the client saw it. */
export interface LostSession {
  readonly transport: TransportKind;
  readonly reason: string;
  readonly error?: ConvaiError;
  /**
   * The transport said `reconnecting` before it ended: LiveKit tried to restore the
   * connection itself and gave up. A session the server ended on purpose (kicked,
   * room deleted, duplicate identity) ends without it and is not handed off.
   */
  readonly wasReconnecting: boolean;
  /** What the app asked for when the session was connected. */
  readonly preference: TransportPreference | undefined;
}

/**
 * Hand off only what WebSocket can save: a LiveKit session of an `'auto'` connect
 * (a forced transport means "no fallback"), lost to the network (`CONNECTION_LOST`
 * after `reconnecting`), with `negotiation.handoffOnLoss` on.
 */
export function shouldHandOff(config: ResolvedConfig, lost: LostSession): boolean {
  return (
    config.negotiation.handoffOnLoss &&
    lost.preference === 'auto' &&
    lost.transport === 'livekit' &&
    lost.error?.code === 'CONNECTION_LOST' &&
    lost.wasReconnecting
  );
}

/** The client, as the handoff sees it. */
export interface HandoffHost {
  connectTransport(
    transport: 'websocket',
    options: { readonly signal: AbortSignal; readonly characterSessionId?: string },
  ): Promise<void>;
  emit(event: NegotiationEvent): void;
}

export interface HandoffOptions {
  readonly lost: LostSession;
  /** The conversation to resume; the WebSocket `/connect` carries it. */
  readonly characterSessionId: string | undefined;
  /** Aborted by `disconnect()`: the handoff then rejects with `ABORTED`. */
  readonly signal: AbortSignal;
  readonly chunkRetries: number;
  /** @internal test seam, as in `negotiate()` */
  readonly loader?: WebSocketModuleLoader;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
const elapsed = (since: number): number => Math.round((now() - since) * 10) / 10;

/**
 * Loads the WebSocket chunk if needed, then connects over WebSocket resuming the
 * conversation. Emits `handoff` first, then `loading-fallback` (when the chunk is
 * loaded) and `connecting`; the caller emits `connected` with `handoffResult()`.
 * Rejects with the typed error of the step that failed.
 */
export async function handOffSession(host: HandoffHost, options: HandoffOptions): Promise<HandoffInfo> {
  const started = now();
  const { signal, characterSessionId } = options;
  host.emit({ phase: 'handoff', from: 'livekit', to: 'websocket', reason: options.lost.reason, characterSessionId });
  if (signal.aborted) throw new AbortedError('Session handoff', signal.reason);
  let loadMs: number | undefined;
  if (!getWebSocketFactory()) host.emit({ phase: 'loading-fallback' });
  const t = now();
  const { loaded } = await loadWebSocketTransport({
    signal,
    retries: options.chunkRetries,
    ...(options.loader ? { loader: options.loader } : {}),
  }).catch((error: unknown) => {
    throw signal.aborted ? new AbortedError('Session handoff', signal.reason) : error;
  });
  if (loaded) loadMs = elapsed(t);
  host.emit({ phase: 'connecting', transport: 'websocket' });
  const c = now();
  await host.connectTransport('websocket', { signal, ...(characterSessionId ? { characterSessionId } : {}) });
  if (signal.aborted) throw new AbortedError('Session handoff', signal.reason);
  return {
    from: 'livekit',
    to: 'websocket',
    reason: options.lost.reason,
    characterSessionId,
    timings: { ...(loadMs !== undefined ? { loadMs } : {}), connectMs: elapsed(c), totalMs: elapsed(started) },
  };
}

/** The negotiation result after a handoff: the same session, now on WebSocket, and why. */
export function handoffResult(previous: NegotiationResult | undefined, handoff: HandoffInfo): NegotiationResult {
  const earlier = (previous?.reasons ?? []).filter((r) => r !== 'CACHED_VERDICT');
  return {
    ...(previous ?? { preference: 'auto' as const, fromCache: false }),
    transport: 'websocket',
    // cause first, as the probe orders its reasons
    reasons: ['LIVEKIT_CONNECTION_LOST', ...earlier],
    handoff,
    timings: { connectMs: handoff.timings.connectMs, totalMs: handoff.timings.totalMs, ...(handoff.timings.loadMs !== undefined ? { loadMs: handoff.timings.loadMs } : {}) },
  };
}
