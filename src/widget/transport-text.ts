import type { NegotiationEvent, NegotiationReason, NegotiationResult } from '../client/negotiation-types.js';
import type { TransportKind } from '../errors/transport-error.js';

/**
 * Short, readable forms of the reason codes, for a status line ("WebSocket: UDP blocked").
 * The probe's full sentences are `REASON_TEXT` in `convai-transport/probe`; these stay
 * short because a widget has one line for them.
 */
export const REASON_LABELS: Readonly<Record<NegotiationReason, string>> = Object.freeze({
  NO_RTCPEERCONNECTION: 'WebRTC unavailable in this browser',
  NO_ICE_SERVERS: 'no STUN/TURN servers configured',
  PEER_CONNECTION_FAILED: 'the browser refused a WebRTC connection',
  UDP_BLOCKED: 'UDP blocked',
  TURN_AUTH_FAILED: 'TURN credentials rejected',
  TURN_UNREACHABLE: 'TURN server unreachable',
  TURN_TCP_ONLY: 'relayed over TURN/TCP',
  STUN_TIMEOUT: 'STUN server did not answer',
  NO_RELAY_CANDIDATES: 'no TURN relay available',
  CONNECTIVITY_FAILED: 'relay connectivity check failed',
  WS_HANG: 'WebSocket opened but never answered',
  WS_FAILED: 'WebSocket could not connect',
  ABORTED: 'network check cancelled',
  FORCED: 'chosen by the app',
  CACHED_VERDICT: 'remembered from an earlier check',
  LIVEKIT_CONNECT_FAILED: 'WebRTC connect failed',
  LIVEKIT_CONNECTION_LOST: 'WebRTC connection lost mid-session',
  WEBSOCKET_CONNECTION_LOST: 'WebSocket connection lost mid-session',
  WEBRTC_TIMEOUT: 'WebRTC not connected in time (still trying)',
  NO_UDP_HOST_CANDIDATES: 'the browser seems to refuse UDP (still checking)',
  UPGRADED_TO_WEBRTC: 'moved to WebRTC once it worked',
});

export const TRANSPORT_NAMES: Readonly<Record<TransportKind, string>> = Object.freeze({
  livekit: 'WebRTC',
  websocket: 'WebSocket',
});

/**
 * A code the table does not know still reads as words: `NEW_CODE` -> "new code". Own
 * properties only: codes come from the network and from storage, and `constructor` must
 * not find Object.prototype's function.
 */
export function reasonLabel(code: string): string {
  if (typeof code !== 'string') return 'unknown reason';
  return Object.prototype.hasOwnProperty.call(REASON_LABELS, code)
    ? (REASON_LABELS as Readonly<Record<string, string>>)[code]!
    : code.toLowerCase().replace(/_/g, ' ');
}

export interface TransportDescription {
  readonly transport: TransportKind;
  /** `WebRTC` or `WebSocket`. */
  readonly name: string;
  /** The main reason, in words: "UDP blocked", "UDP blocked (remembered from an earlier check)". */
  readonly reason: string;
  /** The other reasons the probe gave, in words (often consequences of the main one). */
  readonly moreReasons: readonly string[];
  /** One line: "WebSocket: UDP blocked". */
  readonly text: string;
}

/**
 * What a UI says about the transport in use and why, from `client.lastNegotiation`.
 * The probe lists its reasons cause first (`UDP_BLOCKED` before the `TURN_UNREACHABLE`
 * it leads to), so the first one heads the line; an `auto` pick with no reason means
 * the network check passed; a remembered verdict says so after the cause.
 */
export function describeTransport(result: NegotiationResult): TransportDescription {
  const cached = result.reasons.includes('CACHED_VERDICT');
  const labels = result.reasons.filter((r) => r !== 'CACHED_VERDICT').map(reasonLabel);
  const main = labels[0] ?? (result.transport === 'livekit' ? 'network check passed' : 'network check chose it');
  const reason = cached ? `${main} (${reasonLabel('CACHED_VERDICT')})` : main;
  const name = TRANSPORT_NAMES[result.transport];
  return { transport: result.transport, name, reason, moreReasons: labels.slice(1), text: `${name}: ${reason}` };
}

/** A progress line for `negotiation` events while connecting. */
export function describeProgress(event: NegotiationEvent): string {
  switch (event.phase) {
    case 'probing':
      return 'Checking the network…';
    case 'verdict':
      return `Network check: ${TRANSPORT_NAMES[event.transport]}${event.reasons.length ? ` (${event.reasons.map(reasonLabel).join('; ')})` : ''}`;
    case 'loading-fallback':
      return 'Loading the WebSocket transport…';
    case 'connecting':
      return `Connecting over ${TRANSPORT_NAMES[event.transport]}…`;
    case 'fallback':
      return 'WebRTC failed; falling back to WebSocket…';
    case 'handoff':
      return `${TRANSPORT_NAMES[event.from]} connection lost; continuing over ${TRANSPORT_NAMES[event.to]}…`;
    case 'upgrade':
      return `${TRANSPORT_NAMES[event.to]} works now; the conversation moves over…`;
    case 'connected':
      return describeTransport(event.result).text;
  }
}
