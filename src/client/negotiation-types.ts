import type { TransportKind } from '../errors/transport-error.js';
import type { NetworkReasonCode } from '../util/network-reasons.js';

/**
 * The vocabulary of a negotiation as the client reports it (`negotiation` events,
 * `lastNegotiation`). The client owns these types because it emits them; the
 * negotiator (`convai-transport/auto`) fills them in. Nothing here knows about probes.
 */

/**
 * Why a transport was chosen. The first group comes from the network check (the probe
 * reports the same codes), the second from the negotiation itself.
 */
export type NegotiationReason =
  | NetworkReasonCode
  | 'FORCED'
  | 'CACHED_VERDICT'
  | 'LIVEKIT_CONNECT_FAILED'
  | 'LIVEKIT_CONNECTION_LOST'
  /** A WebSocket session stopped getting data through; the conversation moved to WebRTC. */
  | 'WEBSOCKET_CONNECTION_LOST'
  /** No evidence either way before the deadline: WebSocket for now, WebRTC still tried. */
  | 'WEBRTC_TIMEOUT'
  /**
   * The browser gathered no UDP host candidate and no TURN server takes TCP: UDP looks refused
   * (a hint, not proof). WebSocket for now; the probe goes on and either confirms it or the
   * conversation moves to WebRTC once it connects (a browser that only hides its addresses).
   */
  | 'NO_UDP_HOST_CANDIDATES'
  /** A provisional WebSocket session moved to WebRTC once it connected. */
  | 'UPGRADED_TO_WEBRTC';

/** What the app asks for: a transport, or `'auto'` to let the negotiator choose. */
export type TransportPreference = 'livekit' | 'websocket' | 'auto';

/**
 * Where the ICE servers the negotiation tested came from: the app's config, the
 * backend's `/connect` answer, or the LiveKit session's own join response.
 */
export type IceServerSource = 'config' | 'backend' | 'session';

/**
 * Where remembered choices live. `localStorage` fits (its methods match); so does
 * anything async (IndexedDB, a server). Values are opaque strings.
 */
export interface VerdictStore {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

export interface NegotiationTimings {
  /** Time in the backend `/connect` call made to learn ICE servers (auto only). */
  readonly backendMs?: number;
  readonly probeMs?: number;
  /** Time to load the WebSocket chunk (fallback only). */
  readonly loadMs?: number;
  /** Time in the winning transport's connect (backend call included). */
  readonly connectMs: number;
  readonly totalMs: number;
}

export interface NegotiationResult {
  /** The transport the session ended up on. */
  readonly transport: TransportKind;
  /** What was asked for. */
  readonly preference: TransportPreference;
  /**
   * Why: the probe's reason codes (`UDP_BLOCKED`, `TURN_TCP_ONLY`, ...), or
   * `FORCED`, `CACHED_VERDICT`, `LIVEKIT_CONNECT_FAILED`.
   */
  readonly reasons: readonly NegotiationReason[];
  /** The probe's verdict, when a probe ran. */
  readonly verdict?: string;
  readonly fromCache: boolean;
  readonly iceServerSource?: IceServerSource;
  /** Set when LiveKit was chosen, failed to connect, and WebSocket took over. */
  readonly fallback?: { readonly from: 'livekit'; readonly code: string; readonly message: string };
  /** Set when the session was lost on LiveKit mid-conversation and moved to WebSocket. */
  readonly handoff?: HandoffInfo;
  /**
   * WebSocket was chosen on silence (a deadline), not on evidence: WebRTC goes on being
   * tried in the background (`negotiation.upgrade`).
   */
  readonly provisional?: boolean;
  /** Set when a provisional WebSocket session moved to WebRTC mid-conversation. */
  readonly upgrade?: { readonly from: 'websocket'; readonly to: 'livekit'; readonly afterMs: number };
  readonly timings: NegotiationTimings;
}

/** What `negotiation.handoffOnLoss` did (`negotiation.handoffOnLoss`). */
export interface HandoffInfo {
  readonly from: TransportKind;
  readonly to: TransportKind;
  /** Why the LiveKit session ended (its `disconnected` reason). */
  readonly reason: string;
  /** The conversation that continues; the WebSocket `/connect` asked to resume it. */
  readonly characterSessionId: string | undefined;
  readonly timings: { readonly loadMs?: number; readonly connectMs: number; readonly totalMs: number };
}

export type NegotiationEvent =
  | { readonly phase: 'probing'; readonly iceServerSource: IceServerSource }
  | {
      readonly phase: 'verdict';
      readonly transport: TransportKind;
      readonly reasons: readonly NegotiationReason[];
      readonly fromCache: boolean;
    }
  | { readonly phase: 'loading-fallback' }
  | { readonly phase: 'connecting'; readonly transport: TransportKind }
  | { readonly phase: 'fallback'; readonly from: 'livekit'; readonly to: 'websocket'; readonly code: string }
  /** A LiveKit session was lost mid-conversation; the conversation moves to WebSocket. */
  | {
      readonly phase: 'handoff';
      readonly from: TransportKind;
      readonly to: TransportKind;
      readonly reason: string;
      readonly characterSessionId: string | undefined;
    }
  /** The conversation moved, mid-session, from a provisional WebSocket to WebRTC that now works. */
  | {
      readonly phase: 'upgrade';
      readonly from: TransportKind;
      readonly to: TransportKind;
      readonly characterSessionId: string | undefined;
    }
  | { readonly phase: 'connected'; readonly result: NegotiationResult };
