import type { ConvaiError } from '../errors/convai-error.js';

export type { TransportKind } from '../errors/transport-error.js';
import type { TransportKind } from '../errors/transport-error.js';

/** Where the backend told us to connect. */
export type ConnectTarget =
  | {
      readonly transport: 'livekit';
      readonly roomUrl: string;
      readonly token: string;
    }
  | {
      readonly transport: 'websocket';
      readonly wsUrl: string;
    };

export interface SessionConnectOptions {
  readonly signal?: AbortSignal;
  /** Upper bound for the whole connect, bot-ready included. */
  readonly timeoutMs: number;
}

export interface TransportSessionEvents {
  /** The session ended without `disconnect()` being called. */
  disconnected: { readonly reason: string; readonly error?: ConvaiError };
  /** A non-fatal problem (a malformed frame, a failed send); the session lives on. */
  error: ConvaiError;
  /** The bot's audio, where the platform has a MediaStreamTrack for it. */
  botAudioTrack: MediaStreamTrack;
  /** The transport is trying to restore a lost connection (LiveKit does this itself). */
  reconnecting: { readonly reason: string };
  reconnected: Record<string, never>;
  /** The ICE servers the session will use, once it knows them (LiveKit: from its join response). */
  iceServers: readonly RTCIceServer[];
}

/**
 * What `ConvaiClient` needs from a transport. An interface, not a base class:
 * LiveKit and Pipecat each run their own state machine, so a base would hold
 * almost nothing. Sessions carry Convai messages as opaque UTF-8 JSON bytes;
 * inbound bytes go to the `onMessage` callback given at creation.
 */
export interface TransportSession {
  readonly transport: TransportKind;
  connect(target: ConnectTarget, options: SessionConnectOptions): Promise<void>;
  send(payload: Uint8Array): Promise<void>;
  setMicrophoneEnabled(enabled: boolean): Promise<void>;
  readonly isMicrophoneEnabled: boolean;
  /** Idempotent; never throws; closes every socket, peer connection and track. */
  disconnect(): Promise<void>;
  on<E extends keyof TransportSessionEvents>(
    event: E,
    listener: (payload: TransportSessionEvents[E]) => void,
  ): () => void;
}

/**
 * The session a WebSocket factory returns. Ours to define (the seed names only the type); it is the
 * same contract as every transport session, so `ConvaiClient` treats both alike.
 */
export type IWebSocketSession = TransportSession & { readonly transport: 'websocket' };

export interface WebSocketSessionOptions {
  /** How long `connect()` waits for the bot's `bot-ready` before failing. */
  readonly botReadyTimeoutMs?: number;
}

/**
 * Signature kept from the Convai Web SDK: `onMessage` receives each inbound Convai
 * message as UTF-8 JSON bytes; `enableMic` says whether the mic is opened during
 * connect (it is, on WebSocket; `startWithAudioOn: false` then mutes it at once).
 */
export type WebSocketTransportFactory = (
  onMessage: (payload: Uint8Array) => void,
  enableMic: boolean,
  options?: WebSocketSessionOptions,
) => IWebSocketSession;
