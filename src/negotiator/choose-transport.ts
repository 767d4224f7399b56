import type { TransportKind } from '../errors/transport-error.js';
import type { IceServerSource, NegotiationReason } from '../client/negotiation-types.js';
import type { ProbeOutcome } from './evidence.js';

export type { ProbeOutcome } from './evidence.js';

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
 * Which ICE servers the probe tests, in order: the app's, those in the backend's
 * `/connect` answer, else none yet: Convai's answer carries none, and the negotiator
 * then waits for the servers the LiveKit session itself receives in its join response.
 * Never a public STUN list: a srflx candidate from some other server says nothing about
 * the relay path the session must use.
 */
export function pickIceServers(
  fromConfig: readonly RTCIceServer[] | undefined,
  fromBackend: readonly RTCIceServer[] | undefined,
): { servers: readonly RTCIceServer[]; source: IceServerSource } | undefined {
  if (fromConfig && fromConfig.length > 0) return { servers: fromConfig, source: 'config' };
  if (fromBackend && fromBackend.length > 0) return { servers: fromBackend, source: 'backend' };
  return undefined;
}

export function hasTurn(servers: readonly RTCIceServer[]): boolean {
  return servers.some((s) => (typeof s.urls === 'string' ? [s.urls] : s.urls).some((u) => /^turns?:/i.test(u)));
}

/**
 * Whether a TURN server can be reached without UDP (`turns:`, or `?transport=tcp`): the only
 * way WebRTC can work in a browser that refuses UDP. Lenient on purpose: the probe and the
 * session validate the URLs; here a malformed one only means "not over TCP".
 */
export function hasTurnOverTcp(servers: readonly RTCIceServer[]): boolean {
  return iceServerUrls(servers).some((u) => /^turns:/i.test(u) || (/^turn:/i.test(u) && /[?&]transport=tcp(&|$)/i.test(u)));
}

/** The policy the probe must test so its verdict matches what the session will do. */
export function probePolicy(servers: readonly RTCIceServer[], sessionPolicy: RTCIceTransportPolicy): RTCIceTransportPolicy {
  return hasTurn(servers) ? sessionPolicy : 'all';
}

export function iceServerUrls(servers: readonly RTCIceServer[]): string[] {
  return servers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : [...s.urls]));
}
