import type { ResolvedConfig } from './config.js';
import type { BackendSession } from './backend.js';
import type { NegotiationEvent, NegotiationResult } from './negotiation-types.js';
import type { ConvaiError } from '../errors/convai-error.js';
import type { TransportKind } from '../errors/transport-error.js';
import type { TransportPreference } from './config.js';
import { globalSlot } from '../util/global-slot.js';
import { getWebSocketFactory, PACKAGE_NAME } from './websocket-registry.js';

/**
 * The port through which `transport: 'auto'` reaches the client. The client knows only
 * this contract: something registered under it chooses and connects, using the
 * client's own steps (`NegotiationHost`). What it does inside (probes, caches,
 * chunk loads) stays in `convai-transport/auto`, which registers the implementation
 * when imported. Without that import the client never references the negotiator, so
 * an app that only forces a transport carries none of it.
 */

export interface PrepareOptions {
  readonly signal: AbortSignal;
  /** Use this `/connect` answer instead of asking again. */
  readonly backendSession?: BackendSession;
  /** The conversation to resume when asking the backend. */
  readonly characterSessionId?: string;
  /** The ICE servers the session will use, as soon as it knows them (LiveKit: its join response). */
  readonly onIceServers?: (servers: readonly RTCIceServer[]) => void;
}

/** A connected session the client does not use yet (see `NegotiationHost.prepareTransport`). */
export interface CandidateSession {
  readonly transport: TransportKind;
  /** The `character_session_id` its `/connect` answered. */
  readonly characterSessionId: string | undefined;
  /** Closes it; for a candidate that lost the race or that an upgrade no longer wants. */
  discard(): Promise<void>;
}

/** The client's steps, lent to the negotiator for one connect and the session it opens. */
export interface NegotiationHost {
  readonly config: ResolvedConfig;
  /** `POST /connect` for a transport, resuming `characterSessionId` (else the connect's, else the client's). */
  requestBackend(transport: TransportKind, signal: AbortSignal, characterSessionId?: string): Promise<BackendSession>;
  /** Creates and connects a session and makes it the client's; given a backend session, makes no second `/connect`. */
  connectTransport(
    transport: TransportKind,
    options: { readonly signal: AbortSignal; readonly backendSession?: BackendSession; readonly characterSessionId?: string },
  ): Promise<void>;
  /** Creates and connects a session without using it: closed again on failure or abort. */
  prepareTransport(transport: TransportKind, options: PrepareOptions): Promise<CandidateSession>;
  /** Makes a prepared session the client's, during a connect. */
  useTransport(candidate: CandidateSession): void;
  /**
   * Mid-session: moves the conversation onto a prepared session once the bot is idle, closes
   * the old one, and reports the result `next` makes of the current one. Resolves to whether
   * it moved; a candidate it does not use is discarded.
   */
  upgrade(candidate: CandidateSession, next: (current: NegotiationResult) => NegotiationResult, signal: AbortSignal): Promise<boolean>;
  /** The transport of the session in use, if any. */
  currentTransport(): TransportKind | undefined;
  /** Aborted when the app disconnects or the conversation ends: background work stops with it. */
  readonly lifetime: AbortSignal;
  emit(event: NegotiationEvent): void;
}

/** A session that ended without `disconnect()`, as the client saw it. */
export interface LostSession {
  readonly transport: TransportKind;
  readonly reason: string;
  readonly error?: ConvaiError;
  /**
   * The transport said `reconnecting` before it ended: LiveKit tried to restore the
   * connection itself and gave up. A session the server ended on purpose (kicked,
   * room deleted) ends without it.
   */
  readonly wasReconnecting: boolean;
  /** What the app asked for when the session was connected. */
  readonly preference: TransportPreference | undefined;
}

export interface HandOffRequest {
  readonly lost: LostSession;
  /** The conversation to resume. */
  readonly characterSessionId: string | undefined;
  /** How the lost session had been chosen, to carry into the new result. */
  readonly previous: NegotiationResult | undefined;
  /** Aborted by `disconnect()`. */
  readonly signal: AbortSignal;
}

/** What `convai-transport/auto` registers. */
export interface AutoNegotiator {
  /**
   * `'auto'`: chooses the transport and connects it through the host. `'websocket'`
   * (asked for while no WebSocket transport is registered): loads it, then connects.
   */
  connect(host: NegotiationHost, preference: 'auto' | 'websocket', signal: AbortSignal): Promise<NegotiationResult>;
  /** Whether a lost session is worth moving to the other transport. */
  shouldHandOff(config: ResolvedConfig, lost: LostSession): boolean;
  /**
   * A client was made that will connect with `preference`: start what its connect will need
   * and no backend is asked for (the host-candidate hint; the WebSocket chunk when it is sure
   * to be needed), so a connect that comes later finds it ready. Never throws.
   */
  warmUp?(config: ResolvedConfig, preference: 'auto' | 'websocket'): void;
  /** Moves the conversation of a lost session; the client then reports the result. */
  handOff(host: NegotiationHost, request: HandOffRequest): Promise<NegotiationResult>;
}

/** `'auto'`, or `'websocket'` while its transport is not imported: the negotiator's work. */
export function handledByNegotiator(preference: TransportPreference): boolean {
  return preference === 'auto' || (preference === 'websocket' && !getWebSocketFactory());
}

const slot = globalSlot<AutoNegotiator>('convai-transport.auto-negotiator');

export const setAutoNegotiator = slot.set;
export const getAutoNegotiator = slot.get;

/** Shaped like the seed's WebSocket message, for the same kind of mistake. */
export const AUTO_NOT_REGISTERED_MESSAGE =
  '[ConvaiClient] Automatic transport negotiation is not registered.\n' +
  `Add \`import '${PACKAGE_NAME}/auto'\` before calling connect().`;
