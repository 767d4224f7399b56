import type { ResolvedConfig } from './config.js';
import type { BackendSession } from './backend.js';
import type { NegotiationEvent, NegotiationResult } from './negotiation-types.js';
import type { ConvaiError } from '../errors/convai-error.js';
import type { TransportKind } from '../errors/transport-error.js';
import type { TransportPreference } from './config.js';
import { globalSlot } from '../util/global-slot.js';
import { PACKAGE_NAME } from './websocket-registry.js';

/**
 * The port through which `transport: 'auto'` reaches the client. The client knows only
 * this contract: something registered under it chooses and connects, using the
 * client's own steps (`NegotiationHost`). What it does inside (probes, caches,
 * chunk loads) stays in `convai-transport/auto`, which registers the implementation
 * when imported. Without that import the client never references the negotiator, so
 * an app that only forces a transport carries none of it.
 */

/** The client's steps, lent to the negotiator for one connect. */
export interface NegotiationHost {
  readonly config: ResolvedConfig;
  /** `POST /connect` for a transport; resumes the conversation the connect names. */
  requestBackend(transport: TransportKind, signal: AbortSignal): Promise<BackendSession>;
  /** Creates and connects a session; given a backend session, makes no second `/connect`. */
  connectTransport(
    transport: TransportKind,
    options: { readonly signal: AbortSignal; readonly backendSession?: BackendSession; readonly characterSessionId?: string },
  ): Promise<void>;
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
  /** Moves the conversation of a lost session; the client then reports the result. */
  handOff(host: NegotiationHost, request: HandOffRequest): Promise<NegotiationResult>;
}

const slot = globalSlot<AutoNegotiator>('convai-transport.auto-negotiator');

export const setAutoNegotiator = slot.set;
export const getAutoNegotiator = slot.get;

/** Shaped like the seed's WebSocket message, for the same kind of mistake. */
export const AUTO_NOT_REGISTERED_MESSAGE =
  '[ConvaiClient] Automatic transport negotiation is not registered.\n' +
  `Add \`import '${PACKAGE_NAME}/auto'\` before calling connect().`;
