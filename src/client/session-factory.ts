import { TransportError, type TransportKind } from '../errors/transport-error.js';
import { createLiveKitSession } from '../transports/livekit-session.js';
import type { TransportSession } from '../transports/transport-session.js';
import type { AutoNegotiator } from './auto-registry.js';
import type { ResolvedConfig } from './config.js';
import { getWebSocketFactory, NOT_REGISTERED_MESSAGE } from './websocket-registry.js';

/** @internal Seams for tests; not part of the stable API. */
export interface ClientInternals {
  readonly fetch?: typeof fetch;
  readonly createLiveKitSession?: typeof createLiveKitSession;
  /** Used instead of the one `convai-transport/auto` registers. */
  readonly autoNegotiator?: AutoNegotiator;
}

/** A new, unconnected session of one transport, with the client's mic setting and config. */
export function createSession(
  transport: TransportKind,
  onMessage: (payload: Uint8Array) => void,
  micOn: boolean,
  config: ResolvedConfig,
  internals: ClientInternals,
): TransportSession {
  if (transport === 'websocket') {
    const factory = getWebSocketFactory();
    if (!factory) throw new TransportError('WEBSOCKET_NOT_REGISTERED', NOT_REGISTERED_MESSAGE, { transport });
    return factory(onMessage, micOn, { botReadyTimeoutMs: config.connectTimeoutMs });
  }
  const create = internals.createLiveKitSession ?? createLiveKitSession;
  return create(onMessage, {
    enableMic: micOn,
    iceTransportPolicy: config.iceTransportPolicy,
    ...(config.iceServers ? { iceServers: config.iceServers } : {}),
  });
}
