import type { ResolvedConfig } from '../client/config.js';
import type { HandOffRequest, LostSession, NegotiationHost } from '../client/auto-registry.js';
import type { HandoffInfo, NegotiationResult } from '../client/negotiation-types.js';
import type { TransportKind } from '../errors/transport-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import { elapsed, now } from '../util/clock.js';

/**
 * Mid-session handoff: a conversation whose connection was lost continues over the other
 * transport under the same `character_session_id`. LiveKit lost (after its own
 * reconnection gave up) moves to WebSocket; a WebSocket that stopped getting data through
 * (its watchdog, see `pipecat-socket.ts`) moves to WebRTC where the browser has it. The
 * negotiator decides whether and how; the client reports the loss and the result.
 */

/**
 * Hand off only what the other transport can save: a session of an `'auto'` connect (a
 * forced transport means "no fallback") lost to the network (`CONNECTION_LOST`; for
 * LiveKit after `reconnecting`), with `negotiation.handoffOnLoss` on.
 */
export function shouldHandOff(config: ResolvedConfig, lost: LostSession, hasPeerConnection: boolean): boolean {
  if (!config.negotiation.handoffOnLoss || lost.preference !== 'auto' || lost.error?.code !== 'CONNECTION_LOST') return false;
  return lost.transport === 'livekit' ? lost.wasReconnecting : hasPeerConnection;
}

/**
 * Connects the other transport resuming the conversation (loading the WebSocket chunk if
 * needed). Emits `handoff` first, then `loading-fallback` (when the chunk is loaded) and
 * `connecting`; the client emits `connected` with the result. Rejects with the typed
 * error of the step that failed.
 */
export async function handOffSession(
  host: NegotiationHost,
  request: HandOffRequest,
  ensureWebSocket: (signal: AbortSignal, onLoad: () => void) => Promise<number | undefined>,
): Promise<NegotiationResult> {
  const started = now();
  const { signal, characterSessionId, lost } = request;
  const to: TransportKind = lost.transport === 'livekit' ? 'websocket' : 'livekit';
  host.emit({ phase: 'handoff', from: lost.transport, to, reason: lost.reason, characterSessionId });
  if (signal.aborted) throw new AbortedError('Session handoff', signal.reason);
  const loadMs =
    to === 'websocket'
      ? await ensureWebSocket(signal, () => host.emit({ phase: 'loading-fallback' })).catch((error: unknown) => {
          throw signal.aborted ? new AbortedError('Session handoff', signal.reason) : error;
        })
      : undefined;
  host.emit({ phase: 'connecting', transport: to });
  const c = now();
  await host.connectTransport(to, { signal, ...(characterSessionId ? { characterSessionId } : {}) });
  if (signal.aborted) throw new AbortedError('Session handoff', signal.reason);
  const handoff: HandoffInfo = {
    from: lost.transport,
    to,
    reason: lost.reason,
    characterSessionId,
    timings: { ...(loadMs !== undefined ? { loadMs } : {}), connectMs: elapsed(c), totalMs: elapsed(started) },
  };
  return handoffResult(request.previous, handoff);
}

/** The negotiation result after a handoff: the same session, now on the other transport, and why. */
function handoffResult(previous: NegotiationResult | undefined, handoff: HandoffInfo): NegotiationResult {
  const earlier = (previous?.reasons ?? []).filter(
    (r) => r !== 'CACHED_VERDICT' && r !== 'LIVEKIT_CONNECTION_LOST' && r !== 'WEBSOCKET_CONNECTION_LOST',
  );
  return {
    ...(previous ?? { preference: 'auto' as const, fromCache: false }),
    transport: handoff.to,
    // cause first, as the probe orders its reasons
    reasons: [handoff.from === 'livekit' ? 'LIVEKIT_CONNECTION_LOST' : 'WEBSOCKET_CONNECTION_LOST', ...earlier],
    handoff,
    timings: handoff.timings,
  };
}
