import { ConvaiError } from '../errors/convai-error.js';
import { ConfigError } from '../errors/config-error.js';
import { TransportError } from '../errors/transport-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import type { TransportPreference } from './config.js';
import { getWebSocketFactory, NOT_REGISTERED_MESSAGE } from './websocket-registry.js';
import { AUTO_NOT_REGISTERED_MESSAGE } from './auto-registry.js';

/**
 * Why a connect cannot start, checked before any network call (the seed's contract for
 * an unregistered WebSocket transport). With `convai-transport/auto` imported, the
 * WebSocket chunk is loadable on demand, so a forced `'websocket'` may go ahead.
 */
export function refuseBeforeConnect(preference: TransportPreference, hasNegotiator: boolean): ConvaiError | undefined {
  if (preference !== 'livekit' && preference !== 'websocket' && preference !== 'auto') {
    return new ConfigError('transport', "Expected `transport` to be 'livekit', 'websocket' or 'auto'.");
  }
  if (preference === 'websocket' && !getWebSocketFactory() && !hasNegotiator) {
    return new TransportError('WEBSOCKET_NOT_REGISTERED', NOT_REGISTERED_MESSAGE, { transport: 'websocket' });
  }
  if (preference === 'auto' && !hasNegotiator) return new TransportError('AUTO_NOT_REGISTERED', AUTO_NOT_REGISTERED_MESSAGE);
  return undefined;
}

/** The typed error a failed connect or handoff reports: once aborted, whatever a step threw is a consequence of the abort. */
export function typedConnectError(error: unknown, signal: AbortSignal, what: string): ConvaiError {
  if (signal.aborted) return error instanceof AbortedError ? error : new AbortedError(what, signal.reason);
  return error instanceof ConvaiError ? error : new TransportError('CONNECT_FAILED', `${what} failed: ${String(error)}`, { cause: error });
}
