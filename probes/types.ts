import type { NetworkReasonCode } from '../src/util/network-reasons.js';

/** What the network allows, as the negotiator needs it. */
export type ProbeVerdict = 'webrtc' | 'webrtc-relay-tcp' | 'websocket' | 'none';

/** Stable reason codes: match on these, never on the text of `formatReport`. */
export type ProbeReasonCode = NetworkReasonCode;

export type CheckName = 'capability' | 'ice-gathering' | 'connectivity' | 'websocket';
export type CheckStatus = 'idle' | 'running' | 'success' | 'failed' | 'skipped' | 'aborted';

/** One check as the report shows it. `data` is typed per check. */
export interface CheckResult<T> {
  readonly name: CheckName;
  readonly status: CheckStatus;
  /** Milliseconds from the start of the probe to the start of this check. */
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly data: T;
  /** Why it failed, for people (credentials redacted). */
  readonly error?: string;
}

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
/** How the client reaches the server: UDP, TCP or TLS (`turns:`). */
export type ServerTransport = 'udp' | 'tcp' | 'tls';

export interface CandidateInfo {
  readonly type: CandidateType;
  /** Transport of the candidate itself (a relayed address is UDP even over TURN/TCP). */
  readonly protocol: 'udp' | 'tcp';
  readonly address: string;
  readonly port: number;
  /** For relay candidates: client-to-TURN transport (from Chromium's `relayProtocol`, else the URL). */
  readonly relayProtocol?: ServerTransport;
  /** Milliseconds since this server's gathering started. */
  readonly atMs: number;
}

/**
 * - `ok`: the server answered with the candidate it exists for (srflx, relay, host).
 * - `no-srflx`: gathering ended (no error, before any stack's give-up) with host candidates
 *   but no srflx: the server answered, and libwebrtc dropped a srflx equal to the host
 *   candidate, as it does without NAT (docs/ARCHITECTURE.md, "Chromium"). UDP works.
 * - `no-candidates`: gathering ended with nothing at all (e.g. UDP disabled by policy).
 * - `auth-failed`: TURN answered 401 (wrong username or credential).
 * - `unreachable`: the stack reported error 701 (no answer from the server).
 * - `timeout`: nothing decisive before the probe's deadline.
 * - `cancelled`: not needed any more (an earlier verdict) or aborted.
 * - `peer-failed`: the RTCPeerConnection could not be created (Chromium refuses a page's
 *   501st, closed ones counting until garbage-collected): says nothing about the network.
 */
export type ServerOutcome =
  | 'ok'
  | 'no-srflx'
  | 'no-candidates'
  | 'auth-failed'
  | 'unreachable'
  | 'timeout'
  | 'cancelled'
  | 'peer-failed';

export interface ServerResult {
  /** Index into `ProbeOptions.iceServers`; -1 for the host-only gatherer. */
  readonly serverIndex: number;
  /** The URL, credentials never included. `host` for the host-only gatherer. */
  readonly url: string;
  readonly kind: 'stun' | 'turn' | 'host';
  readonly transport: ServerTransport;
  readonly outcome: ServerOutcome;
  readonly candidates: readonly CandidateInfo[];
  /** `icecandidateerror` events: STUN/TURN error code and text. */
  readonly errors: readonly { readonly code: number; readonly text: string }[];
  /** Time to the first decisive candidate, if any. */
  readonly firstUsefulMs?: number;
  readonly durationMs: number;
}

export interface CapabilityData {
  readonly rtcPeerConnection: boolean;
}

export interface GatheringData {
  readonly policy: 'relay' | 'all';
  readonly servers: readonly ServerResult[];
  /** True when gathering stopped early because the best possible result was in. */
  readonly early: boolean;
}

export interface ConnectivityData {
  readonly ok: boolean;
  /** Which relay class was tested: the best that gathering found. */
  readonly via: 'udp' | 'tcp' | 'none';
  /** Round trip of one data-channel message, once connected. */
  readonly rttMs?: number;
  /** From creating the peer connections to the data channel opening. */
  readonly setupMs?: number;
  readonly iceState?: string;
  /**
   * What proved the path: `echo`, a data-channel message and its echo; or `ice`, the
   * deadline came first but ICE had connected both peers through the relay (STUN checks
   * crossed it both ways), which on a slow or lossy path comes several round trips earlier.
   */
  readonly proof?: 'echo' | 'ice';
}

export interface WebSocketData {
  /** `wsUrl` as people may see it: scheme, host, port, path (no query, userinfo or fragment). */
  readonly url: string;
  /** `answered`: a message came back; `hang`: opened but silent; `failed`: never opened or closed early. */
  readonly outcome: 'answered' | 'hang' | 'failed' | 'cancelled';
  readonly openMs?: number;
  readonly answerMs?: number;
  readonly closeCode?: number;
}

export interface ProbeReport {
  readonly verdict: ProbeVerdict;
  readonly reasons: readonly ProbeReasonCode[];
  readonly policy: 'relay' | 'all';
  /** ISO time the probe started. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly deadlineMs: number;
  readonly checks: {
    readonly capability: CheckResult<CapabilityData>;
    readonly gathering: CheckResult<GatheringData>;
    readonly connectivity: CheckResult<ConnectivityData>;
    readonly websocket?: CheckResult<WebSocketData>;
  };
}

export type ProbeProgressEvent =
  | { readonly type: 'check'; readonly check: CheckName; readonly status: CheckStatus; readonly elapsedMs: number }
  | {
      readonly type: 'candidate';
      readonly url: string;
      readonly candidate: CandidateInfo;
      readonly elapsedMs: number;
    }
  | { readonly type: 'server'; readonly result: ServerResult; readonly elapsedMs: number }
  | { readonly type: 'verdict'; readonly verdict: ProbeVerdict; readonly reasons: readonly ProbeReasonCode[]; readonly elapsedMs: number };

export interface ProbeOptions {
  /**
   * STUN and TURN servers to test, one gatherer per URL. Always explicit: there is no default
   * list, so a probe never talks to a server you did not name.
   * @example [{ urls: 'turn:turn.example.com:3478?transport=udp', username: 'u', credential: 'p' }]
   */
  readonly iceServers: readonly RTCIceServer[];
  /**
   * The policy the session will use: with `'relay'` only a working TURN relay makes WebRTC usable
   * (a srflx candidate proves nothing); with `'all'` srflx and host candidates count too.
   * @default 'relay'
   */
  readonly iceTransportPolicy?: 'relay' | 'all';
  /**
   * Upper bound for the WebRTC part (gathering + connectivity) and for the WebSocket check.
   * @default 3000
   */
  readonly deadlineMs?: number;
  /** Connect two local peer connections through the relay and echo a message. @default true */
  readonly connectivityCheck?: boolean;
  /**
   * Also check that a WebSocket to this URL opens and answers a text message.
   * @example 'wss://api.example.com/probe/ws'
   */
  readonly wsUrl?: string;
  /**
   * Keep gathering from every server until each one settles or the deadline fires, and finish the
   * WebSocket check even when WebRTC works. For diagnostics; the negotiator wants the early verdict.
   * @default false
   */
  readonly thorough?: boolean;
  /**
   * Also gather with no server at all (the report's `host` lane; it sends no packet). With
   * servers to ask, host candidates decide nothing, so a caller that knows them already (the
   * negotiator gathers them beside `/connect`) turns this off and saves a peer connection.
   * @default true
   */
  readonly hostCandidates?: boolean;
  /** Cancels every check; the probe then resolves at once with reason `ABORTED`. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProbeProgressEvent) => void;
  /** Injectable (werift in Node). @default globalThis.RTCPeerConnection */
  readonly RTCPeerConnection?: typeof RTCPeerConnection;
  /** Injectable (`ws` in Node). @default globalThis.WebSocket */
  readonly WebSocket?: typeof WebSocket;
}

export const PROBE_DEFAULTS = {
  iceTransportPolicy: 'relay',
  deadlineMs: 3_000,
  connectivityCheck: true,
  thorough: false,
  hostCandidates: true,
} as const;
