import type { TransportKind } from '../errors/transport-error.js';
import type { IceServerSource, NegotiationReason } from '../client/negotiation-types.js';

/** What the negotiator needs of a probe report (the full report is in `probes/`). */
export interface ProbeOutcome {
  readonly verdict: 'webrtc' | 'webrtc-relay-tcp' | 'websocket' | 'none';
  readonly reasons: readonly NegotiationReason[];
}

export interface Choice {
  readonly transport: TransportKind;
  readonly reasons: readonly NegotiationReason[];
}

/**
 * The policy, as a pure function: WebRTC whenever the probe found a path the LiveKit
 * session will be allowed to use (relay over UDP or over TCP/TLS), WebSocket
 * otherwise. `none` still picks WebSocket: it is the transport with the fewest
 * requirements (one TCP connection), so it is the best remaining bet.
 */
export function chooseTransport(outcome: ProbeOutcome): Choice {
  const webrtc = outcome.verdict === 'webrtc' || outcome.verdict === 'webrtc-relay-tcp';
  return { transport: webrtc ? 'livekit' : 'websocket', reasons: [...outcome.reasons] };
}

/**
 * Which ICE servers the probe uses, in order: the app's, the backend's, a public
 * STUN list. Only a TURN server can prove the relay path Convai's `relay` policy
 * needs; with STUN alone the probe can only show that UDP gets out, so the probe
 * then runs with policy `all` and a failed LiveKit connect still falls back.
 */
export const DEFAULT_STUN_SERVERS: readonly RTCIceServer[] = Object.freeze([
  { urls: ['stun:stun.l.google.com:19302', 'stun:stun1.l.google.com:19302'] },
]);

export function pickIceServers(
  fromConfig: readonly RTCIceServer[] | undefined,
  fromBackend: readonly RTCIceServer[] | undefined,
): { servers: readonly RTCIceServer[]; source: IceServerSource } {
  if (fromConfig && fromConfig.length > 0) return { servers: fromConfig, source: 'config' };
  if (fromBackend && fromBackend.length > 0) return { servers: fromBackend, source: 'backend' };
  return { servers: DEFAULT_STUN_SERVERS, source: 'default' };
}

export function hasTurn(servers: readonly RTCIceServer[]): boolean {
  return servers.some((s) => (typeof s.urls === 'string' ? [s.urls] : s.urls).some((u) => /^turns?:/i.test(u)));
}

/** The policy the probe must test so its verdict matches what the session will do. */
export function probePolicy(servers: readonly RTCIceServer[], sessionPolicy: RTCIceTransportPolicy): RTCIceTransportPolicy {
  return hasTurn(servers) ? sessionPolicy : 'all';
}

export function iceServerUrls(servers: readonly RTCIceServer[]): string[] {
  return servers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : [...s.urls]));
}
