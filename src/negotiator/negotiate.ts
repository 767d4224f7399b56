import type { BackendSession } from '../client/backend.js';
import type { NegotiationHost } from '../client/auto-registry.js';
import type { NegotiationReason, NegotiationResult } from '../client/negotiation-types.js';
import type { TransportKind } from '../errors/transport-error.js';
import { isTransportError, type TransportError } from '../errors/transport-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import { elapsed, now } from '../util/clock.js';
import { chooseTransport, iceServerUrls, pickIceServers, probePolicy, type Choice, type ProbeOutcome } from './choose-transport.js';
import { cacheKey, defaultStore, forgetVerdict, networkHint, readVerdict, writeVerdict } from './verdict-cache.js';

/** What the negotiator asks of the probe; `probes/probe.ts` provides it. */
export type ProbeFunction = (options: {
  readonly iceServers: readonly RTCIceServer[];
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  readonly deadlineMs: number;
  readonly connectivityCheck: boolean;
  readonly signal: AbortSignal;
}) => Promise<ProbeOutcome>;

export interface NegotiateOptions {
  readonly signal: AbortSignal;
  readonly probe: ProbeFunction;
  /**
   * Makes the WebSocket transport available, loading its chunk unless it is there
   * (calling `onLoad` first); resolves to the load time, if it loaded.
   */
  readonly ensureWebSocket: (signal: AbortSignal, onLoad: () => void) => Promise<number | undefined>;
  /** @default typeof RTCPeerConnection === 'function' */
  readonly hasRTCPeerConnection?: boolean;
}

/** A LiveKit connect failure that WebSocket may survive: not an abort, not a backend refusal. */
function worthFallingBack(error: unknown): error is TransportError {
  return (
    isTransportError(error) &&
    error.transport === 'livekit' &&
    (error.code === 'CONNECT_FAILED' || error.code === 'CONNECT_TIMEOUT' || error.code === 'CONNECTION_LOST')
  );
}

/** `transport: 'auto'`: remembered choice, or probe and choose; connect; fall back once. */
export async function negotiate(host: NegotiationHost, options: NegotiateOptions): Promise<NegotiationResult> {
  const started = now();
  const { config } = host;
  const settings = config.negotiation;
  const { signal } = options;
  const preference = 'auto';
  const store = settings.cache === false ? undefined : (settings.cache ?? defaultStore());
  const key = cacheKey({
    url: config.url,
    iceServerUrls: config.iceServers ? iceServerUrls(config.iceServers) : ['<from-backend>'],
    iceTransportPolicy: config.iceTransportPolicy,
    network: networkHint(),
  });
  const hasPeerConnection = options.hasRTCPeerConnection ?? typeof globalThis.RTCPeerConnection === 'function';

  let choice: Choice;
  let fromCache = false;
  let backendSession: BackendSession | undefined;
  let backendMs: number | undefined;
  let probeMs: number | undefined;
  let verdict: string | undefined;
  let iceServerSource: NegotiationResult['iceServerSource'];

  const remembered = store ? await readVerdict(store, key, settings.cacheTtlMs) : undefined;
  if (remembered) {
    choice = { transport: remembered.transport, reasons: ['CACHED_VERDICT', ...remembered.reasons] };
    fromCache = true;
  } else if (!hasPeerConnection) {
    // mobile webviews and some extensions: nothing to probe, and no LiveKit session to create
    choice = { transport: 'websocket', reasons: ['NO_RTCPEERCONNECTION'] };
    verdict = 'websocket';
  } else {
    if (!config.iceServers) {
      // The backend's answer names its TURN servers. On a healthy network the same
      // session is then used to connect, so asking first costs nothing extra.
      const t = now();
      backendSession = await host.requestBackend('livekit', signal);
      backendMs = elapsed(t);
    }
    const picked = pickIceServers(config.iceServers, backendSession?.iceServers);
    iceServerSource = picked.source;
    host.emit({ phase: 'probing', iceServerSource });
    const t = now();
    const report = await options.probe({
      iceServers: picked.servers,
      iceTransportPolicy: probePolicy(picked.servers, config.iceTransportPolicy),
      deadlineMs: settings.probeDeadlineMs,
      connectivityCheck: settings.connectivityCheck,
      signal,
    });
    probeMs = elapsed(t);
    // the probe settles (with ABORTED) rather than rejecting; the negotiation must stop here
    if (signal.aborted) throw new AbortedError('connect()', signal.reason);
    verdict = report.verdict;
    choice = chooseTransport(report);
  }
  host.emit({ phase: 'verdict', transport: choice.transport, reasons: choice.reasons, fromCache });

  let fallback: NegotiationResult['fallback'];
  let connectMs = 0;
  let loadMs: number | undefined;
  let transport: TransportKind = choice.transport;
  if (choice.transport === 'livekit') {
    host.emit({ phase: 'connecting', transport: 'livekit' });
    const t = now();
    try {
      await host.connectTransport('livekit', { signal, ...(backendSession ? { backendSession } : {}) });
      connectMs = elapsed(t);
    } catch (error) {
      if (store) await forgetVerdict(store, key);
      if (!settings.fallbackOnConnectFailure || !worthFallingBack(error) || signal.aborted) throw error;
      fallback = { from: 'livekit', code: error.code, message: error.message };
      host.emit({ phase: 'fallback', from: 'livekit', to: 'websocket', code: error.code });
      transport = 'websocket';
    }
  }
  if (transport === 'websocket') {
    loadMs = await options.ensureWebSocket(signal, () => host.emit({ phase: 'loading-fallback' }));
    host.emit({ phase: 'connecting', transport: 'websocket' });
    const t = now();
    try {
      // resume the session the LiveKit answer created, so the conversation keeps its id
      const characterSessionId = backendSession?.characterSessionId;
      await host.connectTransport('websocket', { signal, ...(characterSessionId ? { characterSessionId } : {}) });
    } catch (error) {
      if (store && fromCache) await forgetVerdict(store, key);
      throw error;
    }
    connectMs = elapsed(t);
  }

  const reasons: readonly NegotiationReason[] = fallback ? [...choice.reasons, 'LIVEKIT_CONNECT_FAILED'] : choice.reasons;
  if (store && (!fromCache || fallback)) {
    await writeVerdict(store, key, {
      transport,
      reasons: reasons.filter((r) => r !== 'CACHED_VERDICT'),
      storedAt: Date.now(),
    });
  }
  return {
    transport,
    preference,
    reasons,
    ...(verdict !== undefined ? { verdict } : {}),
    fromCache,
    ...(iceServerSource ? { iceServerSource } : {}),
    ...(fallback ? { fallback } : {}),
    timings: {
      ...(backendMs !== undefined ? { backendMs } : {}),
      ...(probeMs !== undefined ? { probeMs } : {}),
      ...(loadMs !== undefined ? { loadMs } : {}),
      connectMs,
      totalMs: elapsed(started),
    },
  };
}
