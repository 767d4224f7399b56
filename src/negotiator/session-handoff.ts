import type { ResolvedConfig } from '../client/config.js';
import type { HandOffRequest, LostSession, NegotiationHost } from '../client/auto-registry.js';
import type { HandoffInfo, NegotiationResult } from '../client/negotiation-types.js';
import { AbortedError } from '../errors/aborted-error.js';
import { elapsed, now } from '../util/clock.js';

/**
 * Mid-session handoff: a conversation that lost its LiveKit connection, after
 * LiveKit's own reconnection gave up, continues over WebSocket under the same
 * `character_session_id`. The negotiator decides whether and how; the client only
 * reports the loss, emits the events and exposes the result.
 */

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

/**
 * Loads the WebSocket chunk if needed, then connects over WebSocket resuming the
 * conversation. Emits `handoff` first, then `loading-fallback` (when the chunk is
 * loaded) and `connecting`; the client emits `connected` with the result.
 * Rejects with the typed error of the step that failed.
 */
export async function handOffSession(
  host: NegotiationHost,
  request: HandOffRequest,
  ensureWebSocket: (signal: AbortSignal, onLoad: () => void) => Promise<number | undefined>,
): Promise<NegotiationResult> {
  const started = now();
  const { signal, characterSessionId, lost } = request;
  host.emit({ phase: 'handoff', from: 'livekit', to: 'websocket', reason: lost.reason, characterSessionId });
  if (signal.aborted) throw new AbortedError('Session handoff', signal.reason);
  const loadMs = await ensureWebSocket(signal, () => host.emit({ phase: 'loading-fallback' })).catch((error: unknown) => {
    throw signal.aborted ? new AbortedError('Session handoff', signal.reason) : error;
  });
  host.emit({ phase: 'connecting', transport: 'websocket' });
  const c = now();
  await host.connectTransport('websocket', { signal, ...(characterSessionId ? { characterSessionId } : {}) });
  if (signal.aborted) throw new AbortedError('Session handoff', signal.reason);
  const handoff: HandoffInfo = {
    from: 'livekit',
    to: 'websocket',
    reason: lost.reason,
    characterSessionId,
    timings: { ...(loadMs !== undefined ? { loadMs } : {}), connectMs: elapsed(c), totalMs: elapsed(started) },
  };
  return handoffResult(request.previous, handoff);
}

/** The negotiation result after a handoff: the same session, now on WebSocket, and why. */
function handoffResult(previous: NegotiationResult | undefined, handoff: HandoffInfo): NegotiationResult {
  const earlier = (previous?.reasons ?? []).filter((r) => r !== 'CACHED_VERDICT');
  return {
    ...(previous ?? { preference: 'auto' as const, fromCache: false }),
    transport: 'websocket',
    // cause first, as the probe orders its reasons
    reasons: ['LIVEKIT_CONNECTION_LOST', ...earlier],
    handoff,
    timings: handoff.timings,
  };
}
