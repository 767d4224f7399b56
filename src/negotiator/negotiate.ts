import type { BackendSession } from '../client/backend.js';
import type { NegotiationHost } from '../client/auto-registry.js';
import type { NegotiationReason, NegotiationResult, NegotiationTimings } from '../client/negotiation-types.js';
import { isTransportError, type TransportError } from '../errors/transport-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import { elapsed, now } from '../util/clock.js';
import { linkSignal } from '../util/abort.js';
import { hostHint, type GatherHosts } from './host-hint.js';
import { iceServerUrls } from './choose-transport.js';
import { weigh, type ProbeFunction } from './evidence.js';
import { raceLiveKit } from './race.js';
import { WebSocketFallback } from './websocket-fallback.js';
import { upgradeInBackground } from './upgrade.js';
import { cacheKey, defaultStore, forgetVerdict, networkHint, readVerdict, writeVerdict, type RememberedVerdict } from './verdict-cache.js';

export type { ProbeFunction } from './evidence.js';

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
  /** Host candidates without a server (a test seam). @default probes/checks/host-gathering.ts */
  readonly gatherHosts?: GatherHosts;
}

/**
 * The floor of the scaled probe deadline: below it a loaded machine misses healthy relays. It
 * applies only on fast links (`/connect` under 30 ms). Measured (2026-12-01, Chromium, loopback
 * TURN): a healthy probe answers in 73 ms (median), 92 ms at most over 40 runs, with one or
 * three busy-looping processes on the 2 cores; a miss only makes WebSocket provisional.
 */
export const MIN_PROBE_DEADLINE_MS = 300;

/**
 * Waits scale with the link: ten backend round trips (a relay candidate needs about
 * three), at least `MIN_PROBE_DEADLINE_MS`, at most the configured deadline. A slow link
 * that misses it is not judged blocked: WebSocket is then provisional and WebRTC goes on.
 */
export function scaledDeadline(capMs: number, backendMs: number): number {
  return Math.min(capMs, Math.max(MIN_PROBE_DEADLINE_MS, Math.round(10 * backendMs)));
}

/** A LiveKit connect failure that WebSocket may survive: not an abort, not a backend refusal. */
function worthFallingBack(error: unknown): error is TransportError {
  return (
    isTransportError(error) &&
    error.transport === 'livekit' &&
    (error.code === 'CONNECT_FAILED' || error.code === 'CONNECT_TIMEOUT' || error.code === 'CONNECTION_LOST')
  );
}

/**
 * `transport: 'auto'`. A remembered choice is used as is; otherwise the LiveKit connect
 * and the probe race (`race.ts`), a failed LiveKit connect falls back once, and a
 * provisional WebSocket choice keeps trying WebRTC in the background (`upgrade.ts`).
 * At the first evidence of trouble the WebSocket fallback gets ready beside the race
 * (`websocket-fallback.ts`: chunk, `/connect` resuming the conversation LiveKit's answer
 * created, connect), so a WebSocket verdict adopts a session rather than starting one.
 */
export async function negotiate(host: NegotiationHost, options: NegotiateOptions): Promise<NegotiationResult> {
  const started = now();
  const { config } = host;
  const settings = config.negotiation;
  const { signal } = options;
  const store = settings.cache === false ? undefined : (settings.cache ?? defaultStore());
  const key = cacheKey({
    url: config.url,
    iceServerUrls: config.iceServers ? iceServerUrls(config.iceServers) : ['<from-session>'],
    iceTransportPolicy: config.iceTransportPolicy,
    network: networkHint(),
  });
  const remember = (verdict: Omit<RememberedVerdict, 'storedAt'>): Promise<void> =>
    store ? writeVerdict(store, key, { ...verdict, storedAt: Date.now() }) : Promise.resolve();
  const timings: { -readonly [K in keyof NegotiationTimings]?: NegotiationTimings[K] } = {};
  let chunk: Promise<number | undefined> | undefined;
  const prefetch = (): Promise<number | undefined> => {
    chunk ??= options.ensureWebSocket(signal, () => host.emit({ phase: 'loading-fallback' }));
    chunk.catch(() => undefined);
    return chunk;
  };
  const finish = (transport: NegotiationResult['transport'], reasons: readonly NegotiationReason[], extra: Partial<NegotiationResult> = {}): NegotiationResult => ({
    transport,
    preference: 'auto',
    reasons,
    fromCache: false,
    ...extra,
    timings: { ...timings, connectMs: timings.connectMs ?? 0, totalMs: elapsed(started) },
  });
  const fallback = new WebSocketFallback(host, signal, prefetch);
  /** WebSocket: the fallback session, ready already when trouble came first. */
  const viaWebSocket = async (resume: BackendSession | undefined): Promise<void> => {
    timings.connectMs = await fallback.use(resume);
    const loadMs = await chunk;
    if (loadMs !== undefined) timings.loadMs = loadMs;
  };

  const remembered = store ? await readVerdict(store, key, settings.cacheTtlMs) : undefined;
  if (remembered) {
    const reasons: NegotiationReason[] = ['CACHED_VERDICT', ...remembered.reasons];
    host.emit({ phase: 'verdict', transport: remembered.transport, reasons, fromCache: true });
    if (remembered.transport === 'websocket') {
      await viaWebSocket(undefined).catch(async (error: unknown) => {
        await forgetVerdict(store!, key);
        throw error;
      });
      if (remembered.provisional && settings.upgrade) {
        void upgradeInBackground(host, { windowMs: settings.upgradeWindowMs, onUpgraded: () => void remember({ transport: 'livekit', reasons: [] }) });
      }
      return finish('websocket', reasons, { fromCache: true });
    }
    host.emit({ phase: 'connecting', transport: 'livekit' });
    const t = now();
    try {
      await host.connectTransport('livekit', { signal });
      timings.connectMs = elapsed(t);
      return finish('livekit', reasons, { fromCache: true });
    } catch (error) {
      await forgetVerdict(store!, key);
      if (!settings.fallbackOnConnectFailure || !worthFallingBack(error) || signal.aborted) throw error;
      host.emit({ phase: 'fallback', from: 'livekit', to: 'websocket', code: error.code });
      await viaWebSocket(undefined);
      // what worked is remembered instead; a LiveKit failure may pass, so WebRTC is tried again later
      await remember({ transport: 'websocket', reasons: ['LIVEKIT_CONNECT_FAILED'], provisional: true });
      return finish('websocket', [...reasons, 'LIVEKIT_CONNECT_FAILED'], { fromCache: true, fallback: { from: 'livekit', code: error.code, message: error.message } });
    }
  }

  const hasPeerConnection = options.hasRTCPeerConnection ?? typeof globalThis.RTCPeerConnection === 'function';
  if (!hasPeerConnection) {
    // restricted webviews: nothing to probe, no LiveKit session to create, nothing to upgrade to
    host.emit({ phase: 'verdict', transport: 'websocket', reasons: ['NO_RTCPEERCONNECTION'], fromCache: false });
    await viaWebSocket(undefined);
    await remember({ transport: 'websocket', reasons: ['NO_RTCPEERCONNECTION'], provisional: false });
    return finish('websocket', ['NO_RTCPEERCONNECTION'], { verdict: 'websocket' });
  }

  // no host candidate (UDP refused, or host addresses hidden) is a hint, known before the
  // LiveKit join (the client started it when it was made, else it starts beside `/connect`);
  // it loads the chunk, no more (a hidden-address browser is healthy)
  const hint = hostHint(options.gatherHosts);
  let backend: BackendSession | undefined;
  let troubled = false;
  const onTrouble = (): void => {
    troubled = true;
    void prefetch();
    if (backend) void fallback.prepare(backend);
  };
  let onHosts = (): void => undefined;
  const hostsChanged = (): void => {
    if (hint.current() === 'none') void prefetch();
    onHosts();
  };
  const unsubscribe = hint.subscribe(hostsChanged);
  hostsChanged();
  let t = now();
  let race: Awaited<ReturnType<typeof raceLiveKit>>;
  try {
    backend = await host.requestBackend('livekit', signal);
    timings.backendMs = elapsed(t);
    if (troubled) void fallback.prepare(backend);
    t = now();
    host.emit({ phase: 'connecting', transport: 'livekit' });
    race = await raceLiveKit(host, backend, {
      signal,
      probe: options.probe,
      deadlineMs: scaledDeadline(settings.probeDeadlineMs, timings.backendMs),
      keepCandidate: settings.upgrade,
      onTrouble,
      hostGathering: { current: hint.current, watch: (listener) => (onHosts = listener) },
    });
  } catch (error) {
    fallback.discard();
    throw error;
  } finally {
    unsubscribe();
  }
  if (race.kind === 'livekit' || signal.aborted) fallback.discard();
  if (race.probeMs !== undefined) timings.probeMs = race.probeMs;
  const probed = {
    ...(race.outcome ? { verdict: race.outcome.verdict } : {}),
    ...(race.iceServerSource ? { iceServerSource: race.iceServerSource } : {}),
  };
  if (signal.aborted) {
    if (race.kind === 'livekit') await race.candidate.discard();
    throw new AbortedError('connect()', signal.reason);
  }

  if (race.kind === 'livekit') {
    const reasons = race.outcome?.reasons ?? [];
    host.emit({ phase: 'verdict', transport: 'livekit', reasons, fromCache: false });
    host.useTransport(race.candidate);
    timings.connectMs = elapsed(t);
    await remember({ transport: 'livekit', reasons });
    return finish('livekit', reasons, probed);
  }

  if (race.kind === 'failed') {
    if (store) await forgetVerdict(store, key);
    const { error } = race;
    if (!settings.fallbackOnConnectFailure || !worthFallingBack(error)) throw error;
    host.emit({ phase: 'fallback', from: 'livekit', to: 'websocket', code: error.code });
    await viaWebSocket(backend);
    const reasons: NegotiationReason[] = [...(race.outcome?.reasons ?? []), 'LIVEKIT_CONNECT_FAILED'];
    await remember({ transport: 'websocket', reasons, provisional: true });
    return finish('websocket', reasons, { ...probed, fallback: { from: 'livekit', code: error.code, message: error.message } });
  }

  host.emit({ phase: 'verdict', transport: 'websocket', reasons: race.reasons, fromCache: false });
  try {
    await viaWebSocket(backend);
  } catch (error) {
    race.cancelCandidate?.();
    void race.candidate?.then((c) => c.discard(), () => undefined);
    throw error;
  }
  await remember({ transport: 'websocket', reasons: race.reasons, provisional: race.provisional });
  if (race.provisional && settings.upgrade) {
    const stop = new AbortController();
    // decided on the host hint: a conclusive probe makes WebSocket final, and the LiveKit
    // attempt that could never connect is closed now rather than at its own timeout
    void race.confirmation?.then(async (outcome) => {
      if (!outcome || weigh(outcome) !== 'conclusive-negative') return;
      stop.abort(new Error('the probe showed WebRTC cannot work here'));
      race.cancelCandidate?.();
      await remember({ transport: 'websocket', reasons: outcome.reasons });
    });
    void upgradeInBackground(host, {
      ...(race.candidate ? { candidate: race.candidate } : {}),
      windowMs: settings.upgradeWindowMs,
      stop: stop.signal,
      onUpgraded: () => void remember({ transport: 'livekit', reasons: [] }),
    });
  }
  return finish('websocket', race.reasons, { ...probed, provisional: race.provisional });
}
