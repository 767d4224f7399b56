import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveProbeOptions } from '../../probes/validate.js';
import { createAutoNegotiator } from '../../src/negotiator/auto-negotiator.js';
import { ConvaiClient, type ClientInternals } from '../../src/client/convai-client.js';
import type { ConvaiClientConfig } from '../../src/client/config.js';
import { setWebSocketFactory } from '../../src/client/websocket-registry.js';
import { connectConvai } from '../../src/negotiator/connect-convai.js';
import { memoryStore } from '../../src/negotiator/verdict-cache.js';
import { MIN_PROBE_DEADLINE_MS, scaledDeadline, type NegotiateOptions, type ProbeFunction } from '../../src/negotiator/negotiate.js';
import type { HostGathering } from '../../probes/checks/host-gathering.js';
import type { NegotiationEvent, NegotiationReason } from '../../src/client/negotiation-types.js';
import { TransportError } from '../../src/errors/transport-error.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { FakeSession } from '../support/fake-session.js';

// The negotiator's policy against a real /connect server, with the probe, the chunk
// loader and the sessions scripted. The same flows run for real in Chromium in
// test/e2e/negotiator-*.test.ts.

const API_KEY = 'sk-negotiator-secret';
const TURN = [{ urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'u', credential: 'turn-secret-pw' }];
let backend: Backend;
let sessions: FakeSession[];
let probeCalls: Parameters<ProbeFunction>[0][];
let loads: number;
let iceFromBackend: Record<string, unknown>[] | undefined;
let sessionIds: { livekit: string[]; websocket: string[] };

beforeEach(async () => {
  hostGatherings = 0;
  sessions = [];
  probeCalls = [];
  loads = 0;
  iceFromBackend = TURN as never;
  sessionIds = { livekit: [], websocket: [] };
  setWebSocketFactory(undefined);
  backend = await startBackend({
    apiKey: API_KEY,
    services: [
      {
        name: 'fake-livekit',
        transport: 'livekit',
        connectFields: (ctx) => {
          sessionIds.livekit.push(ctx.characterSessionId);
          return { room_url: 'ws://127.0.0.1:9', token: 'tkn', ...(iceFromBackend ? { ice_servers: iceFromBackend } : {}) };
        },
        close: async () => {},
      },
      {
        name: 'fake-ws',
        transport: 'websocket',
        connectFields: (ctx) => {
          sessionIds.websocket.push(ctx.characterSessionId);
          return { ws_url: `${ctx.wsBase}/ws` };
        },
        close: async () => {},
      },
    ],
  });
});

afterEach(async () => {
  setWebSocketFactory(undefined);
  await backend.stop();
});

interface Script {
  verdict?: 'webrtc' | 'webrtc-relay-tcp' | 'websocket' | 'none';
  reasons?: NegotiationReason[];
  /** A negative built on answers (true, the default) or on silence (false). */
  conclusive?: boolean;
  probeDelayMs?: number;
  livekitFails?: boolean;
  /** Every LiveKit connect takes this long; `Infinity`: until aborted. */
  livekitDelayMs?: number;
  /** LiveKit connects after this many failed attempts (for upgrades). */
  livekitFailFirst?: number;
  /** Per LiveKit attempt, in order (past the end: the other fields apply). */
  livekitPlan?: { delayMs: number; fails?: boolean }[];
  /** The join response's ICE servers, reported by each LiveKit session. */
  joinServers?: RTCIceServer[];
  loaderFailures?: number;
  probeHangs?: boolean;
  hasRTCPeerConnection?: boolean;
  wrapProbe?: (probe: ProbeFunction) => ProbeFunction;
  /** Host candidates without a server (default: no RTCPeerConnection in Node, so 'unknown'). */
  hosts?: { answer: HostGathering; afterMs?: number; quiet?: boolean };
}

function internals(script: Script): ClientInternals {
  const probe: ProbeFunction = async (options) => {
    probeCalls.push(options);
    if (script.probeHangs || script.probeDelayMs) {
      await new Promise<void>((resolve) => {
        const timer = script.probeHangs ? undefined : setTimeout(resolve, script.probeDelayMs);
        // the real probe settles with ABORTED rather than rejecting
        options.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (options.signal.aborted) return { verdict: 'none', reasons: ['ABORTED'] };
    }
    return { verdict: script.verdict ?? 'webrtc', reasons: script.reasons ?? [], ...(script.conclusive !== undefined ? { conclusive: script.conclusive } : {}) };
  };
  let livekitAttempts = 0;
  let failuresLeft = script.loaderFailures ?? 0;
  return {
    createLiveKitSession: (onMessage, options) => {
      const s = new FakeSession('livekit', onMessage, options.enableMic);
      livekitAttempts += 1;
      if (script.livekitFails || livekitAttempts <= (script.livekitFailFirst ?? 0)) {
        s.failWith = new TransportError('CONNECT_FAILED', 'ICE failed', { transport: 'livekit' });
      }
      const plan = script.livekitPlan?.[livekitAttempts - 1];
      const delay = plan ? plan.delayMs : script.livekitDelayMs;
      if (delay === Infinity) s.hang = true;
      else if (delay) s.delayMs = delay;
      if (plan?.fails) s.failAfterDelay = new TransportError('CONNECT_TIMEOUT', 'ICE timed out', { transport: 'livekit' });
      if (script.joinServers) s.joinServers = script.joinServers;
      sessions.push(s);
      return s;
    },
    autoNegotiator: createAutoNegotiator({
      probe: script.wrapProbe ? script.wrapProbe(probe) : probe,
      hasRTCPeerConnection: script.hasRTCPeerConnection ?? true,
      // a page, as far as the client's warm-up is concerned (Node has no document)
      isPage: true,
      ...(script.hosts ? { gatherHosts: scriptedHosts(script.hosts) } : {}),
      loader: async () => {
        loads += 1;
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new TypeError('Failed to fetch dynamically imported module: /assets/websocket.js');
        }
        setWebSocketFactory((onMessage, enableMic) => {
          const s = new FakeSession('websocket', onMessage, enableMic) as FakeSession & { transport: 'websocket' };
          sessions.push(s);
          return s;
        });
      },
    }),
  };
}

let hostGatherings = 0;
function scriptedHosts(plan: NonNullable<Script['hosts']>): NonNullable<NegotiateOptions['gatherHosts']> {
  return async (options) => {
    hostGatherings += 1;
    if (plan.quiet) options.onQuiet?.();
    await tick(plan.afterMs ?? 0);
    return options.signal.aborted ? 'unknown' : plan.answer;
  };
}

function config(extra: Partial<ConvaiClientConfig> = {}): ConvaiClientConfig {
  return { apiKey: API_KEY, characterId: 'c1', url: backend.url, negotiation: { cache: false }, ...extra };
}

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
describe('negotiator: transport auto (overlap)', () => {
  it('healthy: LiveKit starts with the backend answer, beside the probe; LiveKit connected cancels the probe; nothing loaded', async () => {
    const events: NegotiationEvent['phase'][] = [];
    const { client, result } = await connectConvai(
      config(),
      { onProgress: (e) => events.push(e.phase) },
      internals({ verdict: 'webrtc', probeHangs: true, livekitDelayMs: 30 }),
    );
    expect(result).toMatchObject({ transport: 'livekit', preference: 'auto', fromCache: false, iceServerSource: 'backend' });
    expect(events).toEqual(['connecting', 'probing', 'verdict', 'connected']);
    expect(probeCalls).toHaveLength(1);
    expect(probeCalls[0]!.signal.aborted).toBe(true);
    expect(probeCalls[0]).toMatchObject({ iceServers: TURN, iceTransportPolicy: 'relay', connectivityCheck: false });
    expect(loads).toBe(0);
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 0 });
    expect(sessions.map((s) => [s.transport, s.disconnects])).toEqual([['livekit', 0]]);
    expect(client.transport).toBe('livekit');
    expect(result.timings.backendMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.connectMs);
  });

  it('the probe deadline scales with the measured /connect time, between 300 ms and the configured cap', async () => {
    await connectConvai(config({ negotiation: { cache: false, probeDeadlineMs: 5000 } }), {}, internals({ verdict: 'webrtc' }));
    // a loopback /connect takes a few ms: the floor applies
    expect(probeCalls[0]!.deadlineMs).toBe(MIN_PROBE_DEADLINE_MS);
    expect(scaledDeadline(1000, 250)).toBe(1000);
    expect(scaledDeadline(5000, 250)).toBe(2500);
    expect(scaledDeadline(300, 1)).toBe(300);
    expect(scaledDeadline(5000, 1)).toBe(300);
    expect(scaledDeadline(5000, 35)).toBe(350);
  });

  it('app ICE servers: probes with them', async () => {
    const mine = [{ urls: 'turn:127.0.0.1:1?transport=tcp', username: 'a', credential: 'b-secret' }];
    const { result } = await connectConvai(config({ iceServers: mine }), {}, internals({ verdict: 'webrtc-relay-tcp', reasons: ['TURN_TCP_ONLY'], probeDelayMs: 1, livekitDelayMs: 40 }));
    expect(result.iceServerSource).toBe('config');
    expect(probeCalls[0]!.iceServers).toEqual(mine);
    expect(result).toMatchObject({ transport: 'livekit', reasons: ['TURN_TCP_ONLY'], verdict: 'webrtc-relay-tcp' });
    expect(backend.connectCount.livekit).toBe(1);
  });

  it('STUN only: probes with policy all (a srflx is the only evidence available)', async () => {
    iceFromBackend = [{ urls: 'stun:127.0.0.1:3478' }];
    await connectConvai(config(), {}, internals({ verdict: 'webrtc', livekitDelayMs: 20 }));
    expect(probeCalls[0]!.iceTransportPolicy).toBe('all');
  });

  it("Convai's shape (no ICE servers in /connect): the probe tests the TURN servers of the LiveKit join, never a public list", async () => {
    iceFromBackend = undefined;
    const join = [{ urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'lk', credential: 'join-secret' }];
    const { result } = await connectConvai(config(), {}, internals({ verdict: 'webrtc', probeDelayMs: 1, livekitDelayMs: 40, joinServers: join }));
    expect(result).toMatchObject({ transport: 'livekit', iceServerSource: 'session' });
    expect(probeCalls.map((c) => c.iceServers)).toEqual([join]);
    expect(probeCalls[0]!.iceTransportPolicy).toBe('relay');
  });

  it('conclusive negative (a TURN 401): WebSocket at once; the LiveKit attempt is cancelled and closed; the session id resumed', async () => {
    const events: NegotiationEvent['phase'][] = [];
    const { client, result } = await connectConvai(
      config(),
      { onProgress: (e) => events.push(e.phase) },
      internals({ verdict: 'websocket', reasons: ['TURN_AUTH_FAILED'], conclusive: true, livekitDelayMs: Infinity }),
    );
    expect(result).toMatchObject({ transport: 'websocket', reasons: ['TURN_AUTH_FAILED'], verdict: 'websocket', provisional: false });
    expect(events).toEqual(['connecting', 'probing', 'loading-fallback', 'verdict', 'connecting', 'connected']);
    expect(loads).toBe(1);
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 1 });
    await tick(20);
    expect(sessions.map((s) => [s.transport, s.disconnects])).toEqual([['livekit', 1], ['websocket', 0]]);
    expect(client.characterSessionId).toBeTruthy();
    expect(sessionIds.websocket).toEqual(sessionIds.livekit);
  });

  it('no evidence in time (silence): WebSocket provisionally, then the upgrade moves the conversation to LiveKit without a disconnect', async () => {
    const events: NegotiationEvent[] = [];
    const client = new ConvaiClient(config({ transport: 'auto' }), internals({ verdict: 'websocket', reasons: ['UDP_BLOCKED'], conclusive: false, livekitDelayMs: 600 }));
    client.on('negotiation', (e) => events.push(e));
    const disconnects: unknown[] = [];
    client.on('disconnect', (d) => disconnects.push(d));
    await client.connect();
    expect(client.transport).toBe('websocket');
    expect(client.lastNegotiation).toMatchObject({ transport: 'websocket', provisional: true, reasons: ['UDP_BLOCKED'] });
    const ws = sessions.find((s) => s.transport === 'websocket')!;
    ws.deliver({ type: 'bot-ready', data: {} });
    await client.sendUserTextMessage('before');
    ws.deliver({ type: 'bot-llm-text', data: { text: 'reply over ws' } });
    ws.deliver({ type: 'bot-llm-stopped', data: {} });
    await vi.waitFor(() => expect(client.transport).toBe('livekit'), { timeout: 3000 });
    expect(events.map((e) => e.phase)).toContain('upgrade');
    expect(events.find((e) => e.phase === 'upgrade')).toMatchObject({ from: 'websocket', to: 'livekit' });
    expect(client.lastNegotiation).toMatchObject({ transport: 'livekit', reasons: ['UPGRADED_TO_WEBRTC', 'UDP_BLOCKED'], upgrade: { from: 'websocket', to: 'livekit' } });
    expect(disconnects).toEqual([]);
    expect(client.state.isConnected).toBe(true);
    expect(ws.disconnects).toBe(1);
    // the same conversation: the history is kept, the next message goes over LiveKit
    const lk = sessions.filter((s) => s.transport === 'livekit').at(-1)!;
    await client.sendUserTextMessage('after');
    expect(ws.sent.filter((m) => m.includes('after'))).toEqual([]);
    expect(lk.sent.filter((m) => m.includes('after'))).toHaveLength(1);
    expect(client.chatMessages.map((m) => m.content)).toEqual(expect.arrayContaining(['before', 'after']));
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 1 });
    await client.disconnect();
    expect(sessions.every((s) => s.disconnects >= 1)).toBe(true);
  });

  it('the upgrade waits for the bot to finish its turn', async () => {
    const client = new ConvaiClient(config({ transport: 'auto' }), internals({ verdict: 'websocket', conclusive: false, reasons: ['UDP_BLOCKED'], livekitDelayMs: 200 }));
    await client.connect();
    const ws = sessions.find((s) => s.transport === 'websocket')!;
    ws.deliver({ type: 'bot-started-speaking', data: {} });
    await tick(500);
    expect(client.transport).toBe('websocket');
    ws.deliver({ type: 'bot-stopped-speaking', data: {} });
    await vi.waitFor(() => expect(client.transport).toBe('livekit'), { timeout: 2000 });
    await client.disconnect();
  });

  it('upgrade: false keeps the provisional WebSocket and closes the LiveKit attempt', async () => {
    const client = new ConvaiClient(
      config({ transport: 'auto', negotiation: { cache: false, upgrade: false } }),
      internals({ verdict: 'websocket', conclusive: false, reasons: ['UDP_BLOCKED'], livekitDelayMs: 200 }),
    );
    await client.connect();
    await tick(400);
    expect(client.transport).toBe('websocket');
    expect(sessions.filter((s) => s.transport === 'livekit').every((s) => s.disconnects === 1)).toBe(true);
    await client.disconnect();
  });

  it('no servers anywhere and no join: WebSocket provisionally at twice the deadline (WEBRTC_TIMEOUT)', async () => {
    iceFromBackend = undefined;
    const { client, result } = await connectConvai(config({ negotiation: { cache: false, probeDeadlineMs: 100, upgrade: false } }), {}, internals({ livekitDelayMs: Infinity }));
    expect(probeCalls).toHaveLength(0);
    expect(result).toMatchObject({ transport: 'websocket', reasons: ['WEBRTC_TIMEOUT'], provisional: true });
    await client.disconnect();
    expect(sessions.every((s) => s.disconnects === 1)).toBe(true);
  });

  it('disconnect() during the background upgrade: the LiveKit attempt is closed, nothing stays open', async () => {
    const client = new ConvaiClient(config({ transport: 'auto' }), internals({ verdict: 'websocket', conclusive: false, reasons: ['UDP_BLOCKED'], livekitDelayMs: Infinity }));
    await client.connect();
    expect(client.transport).toBe('websocket');
    await client.disconnect();
    await tick(20);
    expect(sessions.map((s) => [s.transport, s.disconnects])).toEqual([['livekit', 1], ['websocket', 1]]);
  });

  it('the upgrade retries within its window when an attempt fails', async () => {
    const client = new ConvaiClient(
      config({ transport: 'auto', negotiation: { cache: false, upgradeWindowMs: 5000 } }),
      // the race's attempt outlives the provisional choice, then fails; the next one connects
      internals({ verdict: 'websocket', conclusive: false, reasons: ['UDP_BLOCKED'], livekitPlan: [{ delayMs: 300, fails: true }, { delayMs: 10 }] }),
    );
    await client.connect();
    expect(client.transport).toBe('websocket');
    await vi.waitFor(() => expect(client.transport).toBe('livekit'), { timeout: 4000 });
    expect(backend.connectCount.livekit).toBe(2);
    await client.disconnect();
    expect(sessions.every((s) => s.disconnects === 1)).toBe(true);
  });

  it('no RTCPeerConnection: WebSocket at once, no probe, no LiveKit session, nothing to upgrade to', async () => {
    const { result } = await connectConvai(config(), {}, internals({ hasRTCPeerConnection: false }));
    expect(result).toMatchObject({ transport: 'websocket', reasons: ['NO_RTCPEERCONNECTION'] });
    expect(probeCalls).toHaveLength(0);
    expect(backend.connectCount).toMatchObject({ livekit: 0, websocket: 1 });
  });

  it('LiveKit fails before any negative evidence: falls back once and says why; the chunk was prefetched at the failure', async () => {
    const events: NegotiationEvent[] = [];
    const { result } = await connectConvai(config(), { onProgress: (e) => events.push(e) }, internals({ verdict: 'webrtc', probeHangs: true, livekitFails: true }));
    expect(result.transport).toBe('websocket');
    expect(result.fallback).toEqual({ from: 'livekit', code: 'CONNECT_FAILED', message: 'ICE failed' });
    expect(result.reasons).toContain('LIVEKIT_CONNECT_FAILED');
    expect(events.map((e) => e.phase)).toEqual(['connecting', 'probing', 'loading-fallback', 'fallback', 'connecting', 'connected']);
    expect(sessions.map((s) => [s.transport, s.disconnects])).toEqual([['livekit', 1], ['websocket', 0]]);
  });

  it('fallback can be turned off', async () => {
    const client = new ConvaiClient(config({ transport: 'auto', negotiation: { cache: false, fallbackOnConnectFailure: false } }), internals({ verdict: 'webrtc', probeHangs: true, livekitFails: true }));
    await expect(client.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('remembers the choice, skips the race while fresh, and a failed connect forgets it', async () => {
    const cache = memoryStore();
    const script: Script = { verdict: 'websocket', reasons: ['UDP_BLOCKED'], livekitDelayMs: Infinity };
    const first = await connectConvai(config({ negotiation: { cache } }), {}, internals(script));
    await first.client.disconnect();
    const second = await connectConvai(config({ negotiation: { cache } }), {}, internals(script));
    expect(probeCalls).toHaveLength(1);
    expect(second.result).toMatchObject({ transport: 'websocket', fromCache: true, reasons: ['CACHED_VERDICT', 'UDP_BLOCKED'] });
    expect(second.result.timings.probeMs).toBeUndefined();
    await second.client.disconnect();

    // a LiveKit choice remembered, then LiveKit fails: the entry is replaced by what worked
    const cache2 = memoryStore();
    await (await connectConvai(config({ negotiation: { cache: cache2 } }), {}, internals({ verdict: 'webrtc', livekitDelayMs: 10 }))).client.disconnect();
    const third = await connectConvai(config({ negotiation: { cache: cache2 } }), {}, internals({ verdict: 'webrtc', livekitFails: true }));
    expect(third.result).toMatchObject({ fromCache: true, transport: 'websocket' });
    await third.client.disconnect();
    const fourth = await connectConvai(config({ negotiation: { cache: cache2 } }), {}, internals({ verdict: 'webrtc' }));
    expect(fourth.result).toMatchObject({ fromCache: true, transport: 'websocket' });
    await fourth.client.disconnect();
  });

  it('a different configuration does not reuse a choice', async () => {
    const cache = memoryStore();
    await (await connectConvai(config({ negotiation: { cache } }), {}, internals({ verdict: 'websocket', livekitDelayMs: Infinity }))).client.disconnect();
    const other = [{ urls: 'turn:127.0.0.1:5?transport=tcp', username: 'x', credential: 'y-secret' }];
    const { result } = await connectConvai(config({ negotiation: { cache }, iceServers: other }), {}, internals({ verdict: 'webrtc', livekitDelayMs: 20 }));
    expect(result.fromCache).toBe(false);
    expect(probeCalls).toHaveLength(2);
  });

  it('an expired choice is negotiated again', async () => {
    const cache = memoryStore();
    await (await connectConvai(config({ negotiation: { cache, cacheTtlMs: 0 } }), {}, internals({ verdict: 'websocket', livekitDelayMs: Infinity }))).client.disconnect();
    await connectConvai(config({ negotiation: { cache, cacheTtlMs: 0 } }), {}, internals({ verdict: 'websocket', livekitDelayMs: Infinity }));
    expect(probeCalls).toHaveLength(2);
  });

  it('retries a failed chunk load, then succeeds', async () => {
    const { result } = await connectConvai(config(), {}, internals({ verdict: 'websocket', loaderFailures: 1, livekitDelayMs: Infinity }));
    expect(result.transport).toBe('websocket');
    expect(loads).toBe(2);
  });

  it('a chunk that never loads surfaces CHUNK_LOAD_FAILED after bounded retries, and leaves nothing open', async () => {
    const error = await connectConvai(config({ negotiation: { cache: false, chunkRetries: 1 } }), {}, internals({ verdict: 'websocket', loaderFailures: 99, livekitDelayMs: Infinity })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransportError', code: 'CHUNK_LOAD_FAILED' });
    expect(loads).toBe(2);
    await tick(20);
    expect(sessions.filter((s) => s.disconnects === 0)).toEqual([]);
  });

  it('one AbortSignal cancels the race: the probe and the LiveKit attempt, nothing left open', async () => {
    const controller = new AbortController();
    const pending = connectConvai(config(), { signal: controller.signal }, internals({ probeHangs: true, livekitDelayMs: Infinity }));
    await tick(100);
    expect(probeCalls).toHaveLength(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(probeCalls[0]!.signal.aborted).toBe(true);
    await tick(20);
    expect(sessions.map((s) => [s.transport, s.disconnects])).toEqual([['livekit', 1]]);
    expect(loads).toBe(0);
  });

  it('disconnect() during the race cancels the negotiation', async () => {
    const client = new ConvaiClient(config({ transport: 'auto' }), internals({ probeHangs: true, livekitDelayMs: Infinity }));
    const pending = client.connect();
    await tick(100);
    await client.disconnect();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(client.state.agentState).toBe('disconnected');
    await tick(20);
    expect(sessions.every((s) => s.disconnects === 1)).toBe(true);
  });
});

describe('negotiator: forced transports', () => {
  it('forced livekit: no probe, reason FORCED', async () => {
    const { result } = await connectConvai(config(), { transport: 'livekit' }, internals({}));
    expect(result).toMatchObject({ transport: 'livekit', reasons: ['FORCED'] });
    expect(probeCalls).toHaveLength(0);
  });

  it('forced websocket through connectConvai loads the chunk itself', async () => {
    const { result } = await connectConvai(config(), { transport: 'websocket' }, internals({}));
    expect(result).toMatchObject({ transport: 'websocket', reasons: ['FORCED'] });
    expect(loads).toBe(1);
    expect(probeCalls).toHaveLength(0);
  });

  it("'auto' on ConvaiClient without convai-transport/auto: an error shaped like the seed's, no network call", async () => {
    const client = new ConvaiClient(config({ transport: 'auto' }));
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTO_NOT_REGISTERED' });
    expect((error as Error).message).toBe(
      "[ConvaiClient] Automatic transport negotiation is not registered.\nAdd `import 'convai-transport/auto'` before calling connect().",
    );
    expect(backend.connectCount).toEqual({ livekit: 0, websocket: 0, rejected: 0 });
  });

  it('forced websocket on ConvaiClient with nothing registered: the seed error, no network call', async () => {
    // no negotiator either (as without `import 'convai-transport/auto'`): nothing can load the chunk
    const client = new ConvaiClient(config({ transport: 'websocket' }));
    await expect(client.connect()).rejects.toThrow(
      "[ConvaiClient] WebSocket transport is not registered.\nAdd `import 'convai-transport/vanilla/websocket'` before calling connect().",
    );
    expect(loads).toBe(0);
    expect(backend.connectCount).toEqual({ livekit: 0, websocket: 0, rejected: 0 });
  });
});

describe('negotiator: the fallback gets ready at the first trouble', () => {
  const TURN_TCP = [{ urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'], username: 'u', credential: 'turn-secret-pw' }];
  /** Records each phase with whether a WebSocket session had connected by then. */
  const recorder = () => {
    const seen: string[] = [];
    const wsConnected = () => sessions.some((s) => s.transport === 'websocket' && s.connectedTo !== undefined);
    return { seen, onProgress: (e: NegotiationEvent) => seen.push(`${e.phase}${e.phase === 'connecting' ? `:${e.transport}` : ''}${wsConnected() ? '+ws' : ''}`) };
  };
  /** A probe that fails to see anything and says so (answers, not silence) after `ms`. */
  const refusingProbe = (ms: number): Script['wrapProbe'] => () => async (o) => {
    probeCalls.push(o);
    await tick(ms);
    return o.signal.aborted ? { verdict: 'none', reasons: ['ABORTED'] } : { verdict: 'websocket', reasons: ['UDP_BLOCKED', 'NO_RELAY_CANDIDATES'], conclusive: true };
  };

  it('no host candidate and no TURN over TCP in the join: WebSocket at once, provisionally; the probe goes on, and its conclusive answer closes the LiveKit attempt and makes WebSocket final', async () => {
    iceFromBackend = undefined;
    const cache = memoryStore();
    const rec = recorder();
    const { client, result } = await connectConvai(
      config({ negotiation: { cache } }),
      { onProgress: rec.onProgress },
      internals({ hosts: { answer: 'none' }, joinServers: TURN as never, livekitDelayMs: Infinity, wrapProbe: refusingProbe(80) }),
    );
    // the hint decided before the probe answered: its verdict is not in the result
    expect(result).toMatchObject({ transport: 'websocket', provisional: true, reasons: ['NO_UDP_HOST_CANDIDATES'], iceServerSource: 'session' });
    expect(result.verdict).toBeUndefined();
    expect(probeCalls.map((c) => c.iceServers)).toEqual([TURN]);
    expect(rec.seen.indexOf('loading-fallback')).toBeLessThan(rec.seen.indexOf('verdict'));
    expect(rec.seen.slice(-2)).toEqual(['connecting:websocket+ws', 'connected+ws']);
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 1 });
    expect(sessionIds.websocket).toEqual(sessionIds.livekit);
    // still open: the probe has not answered, and the LiveKit attempt may yet connect
    expect(sessions.map((s) => [s.transport, s.disconnects])).toEqual([['livekit', 0], ['websocket', 0]]);
    // the probe's conclusive answer: the LiveKit attempt is closed at once, no upgrade follows
    await vi.waitFor(() => expect(sessions.map((s) => [s.transport, s.disconnects])).toEqual([['livekit', 1], ['websocket', 0]]));
    await tick(50);
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 1 });
    expect(client.transport).toBe('websocket');
    await client.disconnect();
    // and WebSocket is remembered as final: the next visit does not try WebRTC again
    const next = await connectConvai(config({ negotiation: { cache } }), {}, internals({ livekitDelayMs: Infinity }));
    expect(next.result).toMatchObject({ transport: 'websocket', fromCache: true, reasons: ['CACHED_VERDICT', 'UDP_BLOCKED', 'NO_RELAY_CANDIDATES'] });
    await tick(50);
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 2 });
    await next.client.disconnect();
  });

  it('no host candidate, but the probe then finds the relay (a browser that hides host addresses): the conversation moves to LiveKit', async () => {
    iceFromBackend = undefined;
    const { client, result } = await connectConvai(
      config(),
      {},
      internals({ hosts: { answer: 'none' }, joinServers: TURN as never, livekitDelayMs: 150, verdict: 'webrtc', probeDelayMs: 60 }),
    );
    expect(result).toMatchObject({ transport: 'websocket', provisional: true, reasons: ['NO_UDP_HOST_CANDIDATES'] });
    await vi.waitFor(() => expect(client.transport).toBe('livekit'));
    expect(client.lastNegotiation).toMatchObject({ transport: 'livekit', reasons: ['UPGRADED_TO_WEBRTC', 'NO_UDP_HOST_CANDIDATES'] });
    // the LiveKit attempt the race started is the one that took over: no second one
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 1 });
    expect(sessions.map((s) => [s.transport, s.disconnects])).toEqual([['livekit', 0], ['websocket', 1]]);
    await client.disconnect();
  });

  it('with upgrade: false the hint decides nothing (nothing could correct it): the probe does, with the fallback ready', async () => {
    iceFromBackend = undefined;
    const rec = recorder();
    const { client, result } = await connectConvai(
      config({ negotiation: { cache: false, upgrade: false } }),
      { onProgress: rec.onProgress },
      internals({ hosts: { answer: 'none' }, joinServers: TURN as never, livekitDelayMs: Infinity, wrapProbe: refusingProbe(40) }),
    );
    expect(result).toMatchObject({ transport: 'websocket', provisional: false, reasons: ['UDP_BLOCKED', 'NO_RELAY_CANDIDATES'], verdict: 'websocket' });
    expect(rec.seen).toContain('verdict+ws');
    await tick(20);
    expect(sessions.map((s) => [s.transport, s.disconnects])).toEqual([['livekit', 1], ['websocket', 0]]);
    await client.disconnect();
  });

  it('the hint after the join: WebSocket when it comes, before the probe answers', async () => {
    iceFromBackend = undefined;
    const rec = recorder();
    const { client, result } = await connectConvai(
      config(),
      { onProgress: rec.onProgress },
      internals({ hosts: { answer: 'none', afterMs: 30 }, joinServers: TURN as never, livekitDelayMs: Infinity, wrapProbe: refusingProbe(400) }),
    );
    expect(result).toMatchObject({ transport: 'websocket', provisional: true, reasons: ['NO_UDP_HOST_CANDIDATES'] });
    expect(result.timings.totalMs).toBeLessThan(400);
    await client.disconnect();
  });

  it('no host candidate yet (quiet), no TURN over TCP: the fallback gets ready before gathering ends; a late host candidate changes nothing', async () => {
    iceFromBackend = undefined;
    const rec = recorder();
    const { result } = await connectConvai(
      config(),
      { onProgress: rec.onProgress },
      internals({ hosts: { answer: 'udp', quiet: true, afterMs: 300 }, joinServers: TURN as never, livekitDelayMs: Infinity, wrapProbe: refusingProbe(60) }),
    );
    expect(result).toMatchObject({ transport: 'websocket', provisional: false });
    expect(rec.seen).toContain('verdict+ws');
  });

  it('no host candidate, but TURN over TCP in the join (a browser that hides host addresses looks the same): only the chunk loads, no WebSocket session; LiveKit wins', async () => {
    iceFromBackend = undefined;
    const rec = recorder();
    const { client, result } = await connectConvai(
      config(),
      { onProgress: rec.onProgress },
      internals({ hosts: { answer: 'none' }, joinServers: TURN_TCP as never, verdict: 'webrtc-relay-tcp', reasons: ['TURN_TCP_ONLY'], probeDelayMs: 5, livekitDelayMs: 80 }),
    );
    expect(result).toMatchObject({ transport: 'livekit', verdict: 'webrtc-relay-tcp' });
    expect(probeCalls.map((c) => c.iceServers)).toEqual([TURN_TCP]);
    expect(loads).toBe(1);
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 0 });
    expect(sessions.map((s) => s.transport)).toEqual(['livekit']);
    expect(client.transport).toBe('livekit');
    await client.disconnect();
  });

  it('a silent probe: the fallback connects at half the deadline, before the provisional verdict adopts it', async () => {
    const rec = recorder();
    const { client, result } = await connectConvai(config(), { onProgress: rec.onProgress }, internals({ livekitDelayMs: Infinity, wrapProbe: () => async (o) => {
      // like the real probe on a silent network: nothing heard, a provisional negative at its deadline
      probeCalls.push(o);
      await tick(o.deadlineMs);
      return { verdict: 'websocket', reasons: ['UDP_BLOCKED', 'TURN_UNREACHABLE'], conclusive: false };
    } }));
    expect(result).toMatchObject({ transport: 'websocket', provisional: true });
    // the WebSocket session was connected when the verdict came: no idle wait after it
    expect(rec.seen).toContain('verdict+ws');
    expect(rec.seen.indexOf('loading-fallback')).toBeLessThan(rec.seen.indexOf('verdict+ws'));
    await client.disconnect();
  });

  it('a server fails, then LiveKit connects first: the ready fallback is closed and never used; nothing stays open', async () => {
    const rec = recorder();
    const { client, result } = await connectConvai(
      config(),
      { onProgress: rec.onProgress },
      internals({ livekitDelayMs: 150, wrapProbe: () => async (o) => {
        probeCalls.push(o);
        o.onServerFailed?.();
        await new Promise((r) => o.signal.addEventListener('abort', r, { once: true }));
        return { verdict: 'none', reasons: ['ABORTED'] };
      } }),
    );
    expect(result.transport).toBe('livekit');
    expect(rec.seen).not.toContain('connecting:websocket');
    await vi.waitFor(() => expect(sessions.find((s) => s.transport === 'websocket')?.disconnects).toBe(1));
    expect(client.transport).toBe('livekit');
    await client.disconnect();
    expect(sessions.every((s) => s.disconnects >= 1)).toBe(true);
  });

  it('disconnect() while the fallback gets ready: every session closed, none in use', async () => {
    iceFromBackend = undefined;
    // upgrade off: the hint alone decides nothing, so the connect waits for the (hanging) probe
    const client = new ConvaiClient(config({ transport: 'auto', negotiation: { cache: false, upgrade: false } }), internals({ hosts: { answer: 'none' }, joinServers: TURN as never, probeHangs: true, livekitDelayMs: Infinity }));
    const connecting = client.connect();
    await vi.waitFor(() => expect(sessions.some((s) => s.transport === 'websocket')).toBe(true));
    await client.disconnect();
    await expect(connecting).rejects.toMatchObject({ code: 'ABORTED' });
    await tick(20);
    expect(sessions.map((s) => s.disconnects >= 1)).toEqual(sessions.map(() => true));
    expect(client.transport).toBeUndefined();
  });
});

describe('negotiator: a client made before connect() gets ready for it', () => {
  it('not in a page (server rendering, Node): nothing is prepared when the client is made', async () => {
    const client = new ConvaiClient(config({ transport: 'websocket' }), { autoNegotiator: createAutoNegotiator({ hasRTCPeerConnection: false, loader: async () => void (loads += 1) }) });
    await tick(30);
    expect(loads).toBe(0);
    await client.disconnect();
  });

  it("'auto': the host hint is gathered when the client is made, once; a connect after it uses it, and on 'none' finds the chunk loaded", async () => {
    iceFromBackend = undefined;
    const client = new ConvaiClient(
      config({ transport: 'auto' }),
      internals({ hosts: { answer: 'none', afterMs: 20 }, joinServers: TURN as never, livekitDelayMs: Infinity, wrapProbe: () => async (o) => {
        probeCalls.push(o);
        await tick(40);
        return { verdict: 'websocket', reasons: ['UDP_BLOCKED', 'NO_RELAY_CANDIDATES'], conclusive: true };
      } }),
    );
    // before any connect: the hint, then the chunk it calls for; no backend asked
    await vi.waitFor(() => expect(loads).toBe(1));
    expect(hostGatherings).toBe(1);
    expect(backend.connectCount).toMatchObject({ livekit: 0, websocket: 0 });
    const phases: string[] = [];
    client.on('negotiation', (e) => phases.push(e.phase));
    await client.connect();
    // decided at the join, on the hint known already: no second gathering, no chunk load
    expect(client.lastNegotiation).toMatchObject({ transport: 'websocket', provisional: true, reasons: ['NO_UDP_HOST_CANDIDATES'] });
    expect(hostGatherings).toBe(1);
    expect(loads).toBe(1);
    expect(phases).not.toContain('loading-fallback');
    await client.disconnect();
  });

  it("'auto' with a host candidate: the hint is gathered, nothing is loaded, the connect needs no new gathering", async () => {
    const client = new ConvaiClient(config({ transport: 'auto' }), internals({ hosts: { answer: 'udp' }, verdict: 'webrtc', livekitDelayMs: 20 }));
    await vi.waitFor(() => expect(hostGatherings).toBe(1));
    await tick(20);
    await client.connect();
    expect(client.transport).toBe('livekit');
    expect(hostGatherings).toBe(1);
    expect(loads).toBe(0);
    await client.disconnect();
  });

  it("forced 'websocket' through the negotiator: the chunk loads when the client is made, and the connect does not load it again", async () => {
    const client = new ConvaiClient(config({ transport: 'websocket' }), internals({}));
    await vi.waitFor(() => expect(loads).toBe(1));
    expect(backend.connectCount).toMatchObject({ livekit: 0, websocket: 0 });
    const phases: string[] = [];
    client.on('negotiation', (e) => phases.push(e.phase));
    await client.connect();
    expect(client.transport).toBe('websocket');
    expect(loads).toBe(1);
    expect(phases).toEqual(['connecting', 'connected']);
    await client.disconnect();
  });
});

