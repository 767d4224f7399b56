import type { AutoNegotiator, NegotiationHost } from '../client/auto-registry.js';
import type { NegotiationResult } from '../client/negotiation-types.js';
import { getWebSocketFactory } from '../client/websocket-registry.js';
import { elapsed, now } from '../util/clock.js';
import { probeForNegotiation, type ProbeFunction } from './evidence.js';
import type { NegotiateOptions } from './negotiate.js';
import { loadWebSocketTransport, type WebSocketModuleLoader } from './load-websocket.js';
import { negotiate } from './negotiate.js';
import { upgradeInBackground, watchNetwork } from './upgrade.js';
import { hostHint } from './host-hint.js';
import type { ResolvedConfig } from '../client/config.js';
import { handOffSession, shouldHandOff } from './session-handoff.js';

export interface AutoNegotiatorOptions {
  /** Imports the WebSocket module (the `auto` entry passes its lazy `import()`). */
  readonly loader: WebSocketModuleLoader;
  /** @internal test seams */
  readonly probe?: ProbeFunction;
  readonly hasRTCPeerConnection?: boolean;
  readonly gatherHosts?: NegotiateOptions['gatherHosts'];
  /** @default typeof document !== 'undefined' (warm-up runs in pages only) */
  readonly isPage?: boolean;
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
  /**
   * A WebSocket session of an `'auto'` connect that WebRTC could serve better re-checks
   * WebRTC, bounded, when the browser reports a network change.
   */
  const watch = (host: NegotiationHost, result: NegotiationResult): NegotiationResult => {
    const settings = host.config.negotiation;
    if (result.transport !== 'websocket' || !settings.upgrade || result.reasons.includes('NO_RTCPEERCONNECTION')) return result;
    let running: Promise<boolean> | undefined;
    watchNetwork(host.lifetime, () => {
      if (running || host.currentTransport() !== 'websocket') return;
      running = upgradeInBackground(host, { windowMs: settings.upgradeWindowMs }).finally(() => {
        running = undefined;
      });
    });
    return result;
  };
  const hasPeerConnection = (): boolean => options.hasRTCPeerConnection ?? typeof globalThis.RTCPeerConnection === 'function';
  /** The chunk, ahead of a connect that is sure to need it; a failure is left to that connect. */
  const prefetchChunk = (config: ResolvedConfig): void =>
    void loadWebSocketTransport({ loader: options.loader, retries: config.negotiation.chunkRetries }).catch(() => undefined);
  const warmUp = (config: ResolvedConfig, preference: 'auto' | 'websocket'): void => {
    // a page only: a client made while rendering on a server must not import the chunk there
    if (!(options.isPage ?? typeof document !== 'undefined')) return;
    if (preference === 'websocket' || !hasPeerConnection()) {
      return prefetchChunk(config);
    }
    // no host candidate: UDP may be refused, and the chunk is likely needed (see negotiate.ts)
    const hint = hostHint(options.gatherHosts);
    const onHint = (): void => {
      if (hint.current() === 'none') prefetchChunk(config);
      if (hint.ended()) off();
    };
    const off = hint.subscribe(onHint);
    onHint();
  };
  return {
    warmUp,
    connect: async (host, preference, signal) =>
      preference === 'websocket'
        ? connectWebSocket(host, signal, ensureWebSocket(host))
        : watch(
            host,
            await negotiate(host, {
              signal,
              probe: options.probe ?? probeForNegotiation,
              ensureWebSocket: ensureWebSocket(host),
              ...(options.hasRTCPeerConnection !== undefined ? { hasRTCPeerConnection: options.hasRTCPeerConnection } : {}),
              ...(options.gatherHosts ? { gatherHosts: options.gatherHosts } : {}),
            }),
          ),
    shouldHandOff: (config, lost) =>
      shouldHandOff(config, lost, hasPeerConnection()),
    handOff: async (host, request) => watch(host, await handOffSession(host, request, ensureWebSocket(host))),
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
