import type { AutoNegotiator, NegotiationHost } from '../client/auto-registry.js';
import type { NegotiationResult } from '../client/negotiation-types.js';
import { getWebSocketFactory } from '../client/websocket-registry.js';
import { elapsed, now } from '../util/clock.js';
import { probe as runProbe } from '../../probes/probe.js';
import { loadWebSocketTransport, type WebSocketModuleLoader } from './load-websocket.js';
import { negotiate, type ProbeFunction } from './negotiate.js';
import { handOffSession, shouldHandOff } from './session-handoff.js';

export interface AutoNegotiatorOptions {
  /** Imports the WebSocket module (the `auto` entry passes its lazy `import()`). */
  readonly loader: WebSocketModuleLoader;
  /** @internal test seams */
  readonly probe?: ProbeFunction;
  readonly hasRTCPeerConnection?: boolean;
}

/** What `convai-transport/auto` registers with the client. */
export function createAutoNegotiator(options: AutoNegotiatorOptions): AutoNegotiator {
  const ensureWebSocket = (host: NegotiationHost) => async (signal: AbortSignal, onLoad: () => void): Promise<number | undefined> => {
    if (getWebSocketFactory()) return undefined;
    onLoad();
    const started = now();
    await loadWebSocketTransport({ loader: options.loader, signal, retries: host.config.negotiation.chunkRetries });
    return elapsed(started);
  };
  return {
    connect: (host, preference, signal) =>
      preference === 'websocket'
        ? connectWebSocket(host, signal, ensureWebSocket(host))
        : negotiate(host, {
            signal,
            probe: options.probe ?? (runProbe as unknown as ProbeFunction),
            ensureWebSocket: ensureWebSocket(host),
            ...(options.hasRTCPeerConnection !== undefined ? { hasRTCPeerConnection: options.hasRTCPeerConnection } : {}),
          }),
    shouldHandOff,
    handOff: (host, request) => handOffSession(host, request, ensureWebSocket(host)),
  };
}

/** A forced `'websocket'` with the transport not yet loaded: load it, then connect. */
async function connectWebSocket(
  host: NegotiationHost,
  signal: AbortSignal,
  ensure: (signal: AbortSignal, onLoad: () => void) => Promise<number | undefined>,
): Promise<NegotiationResult> {
  const started = now();
  const loadMs = await ensure(signal, () => host.emit({ phase: 'loading-fallback' }));
  host.emit({ phase: 'connecting', transport: 'websocket' });
  const t = now();
  await host.connectTransport('websocket', { signal });
  return {
    transport: 'websocket',
    preference: 'websocket',
    reasons: ['FORCED'],
    fromCache: false,
    timings: { ...(loadMs !== undefined ? { loadMs } : {}), connectMs: elapsed(t), totalMs: elapsed(started) },
  };
}
