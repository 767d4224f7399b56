import type { TransportKind } from '../transports/transport-session.js';
import type { TransportPreference } from '../client/config.js';
import type { IceServerSource } from './choose-transport.js';

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
  readonly reasons: readonly string[];
  /** The probe's verdict, when a probe ran. */
  readonly verdict?: string;
  readonly fromCache: boolean;
  readonly iceServerSource?: IceServerSource;
  /** Set when LiveKit was chosen, failed to connect, and WebSocket took over. */
  readonly fallback?: { readonly from: 'livekit'; readonly code: string; readonly message: string };
  /** Set when the session was lost on LiveKit mid-conversation and moved to WebSocket. */
  readonly handoff?: HandoffInfo;
  readonly timings: NegotiationTimings;
}

/** What `negotiation.handoffOnLoss` did (see `src/negotiator/session-handoff.ts`). */
export interface HandoffInfo {
  readonly from: 'livekit';
  readonly to: 'websocket';
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
      readonly reasons: readonly string[];
      readonly fromCache: boolean;
    }
  | { readonly phase: 'loading-fallback' }
  | { readonly phase: 'connecting'; readonly transport: TransportKind }
  | { readonly phase: 'fallback'; readonly from: 'livekit'; readonly to: 'websocket'; readonly code: string }
  /** A LiveKit session was lost mid-conversation; the conversation moves to WebSocket. */
  | {
      readonly phase: 'handoff';
      readonly from: 'livekit';
      readonly to: 'websocket';
      readonly reason: string;
      readonly characterSessionId: string | undefined;
    }
  | { readonly phase: 'connected'; readonly result: NegotiationResult };
