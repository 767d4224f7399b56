import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveProbeOptions } from '../../probes/validate.js';
import { createAutoNegotiator } from '../../src/negotiator/auto-negotiator.js';
import { ConvaiClient, type ClientInternals } from '../../src/client/convai-client.js';
import type { ConvaiClientConfig } from '../../src/client/config.js';
import { setWebSocketFactory } from '../../src/client/websocket-registry.js';
import { connectConvai } from '../../src/negotiator/connect-convai.js';
import { memoryStore } from '../../src/negotiator/verdict-cache.js';
import type { ProbeFunction } from '../../src/negotiator/negotiate.js';
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

beforeEach(async () => {
  sessions = [];
  probeCalls = [];
  loads = 0;
  iceFromBackend = TURN as never;
  setWebSocketFactory(undefined);
  backend = await startBackend({
    apiKey: API_KEY,
    services: [
      {
        name: 'fake-livekit',
        transport: 'livekit',
        connectFields: () => ({ room_url: 'ws://127.0.0.1:9', token: 'tkn', ...(iceFromBackend ? { ice_servers: iceFromBackend } : {}) }),
        close: async () => {},
      },
      { name: 'fake-ws', transport: 'websocket', connectFields: (ctx) => ({ ws_url: `${ctx.wsBase}/ws` }), close: async () => {} },
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
  livekitFails?: boolean;
  loaderFailures?: number;
  probeHangs?: boolean;
  hasRTCPeerConnection?: boolean;
  wrapProbe?: (probe: ProbeFunction) => ProbeFunction;
}

function internals(script: Script): ClientInternals {
  const probe: ProbeFunction = async (options) => {
    probeCalls.push(options);
    if (script.probeHangs) {
      await new Promise<void>((_, reject) =>
        options.signal.addEventListener('abort', () => reject(new Error('probe aborted')), { once: true }),
      );
    }
    return { verdict: script.verdict ?? 'webrtc', reasons: script.reasons ?? [] };
  };
  let failuresLeft = script.loaderFailures ?? 0;
  return {
    createLiveKitSession: (onMessage, options) => {
      const s = new FakeSession('livekit', onMessage, options.enableMic);
      if (script.livekitFails) s.failWith = new TransportError('CONNECT_FAILED', 'ICE failed', { transport: 'livekit' });
      sessions.push(s);
      return s;
    },
    autoNegotiator: createAutoNegotiator({
      probe: script.wrapProbe ? script.wrapProbe(probe) : probe,
      hasRTCPeerConnection: script.hasRTCPeerConnection ?? true,
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

function config(extra: Partial<ConvaiClientConfig> = {}): ConvaiClientConfig {
  return { apiKey: API_KEY, characterId: 'c1', url: backend.url, negotiation: { cache: false }, ...extra };
}

describe('negotiator: transport auto', () => {
  it('healthy: probes with the backend TURN servers, connects LiveKit on the same session, loads nothing', async () => {
    const events: NegotiationEvent['phase'][] = [];
    const { client, result } = await connectConvai(config(), { onProgress: (e) => events.push(e.phase) }, internals({ verdict: 'webrtc' }));
    expect(result).toMatchObject({ transport: 'livekit', preference: 'auto', verdict: 'webrtc', fromCache: false, iceServerSource: 'backend' });
    expect(events).toEqual(['probing', 'verdict', 'connecting', 'connected']);
    expect(loads).toBe(0);
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 0 });
    expect(probeCalls[0]).toMatchObject({ iceServers: TURN, iceTransportPolicy: 'relay', deadlineMs: 1000, connectivityCheck: true });
    expect(client.transport).toBe('livekit');
    expect(result.timings.probeMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.connectMs);
  });

  it('app ICE servers: probes with them and asks the backend nothing before the verdict', async () => {
    const mine = [{ urls: 'turn:127.0.0.1:1?transport=tcp', username: 'a', credential: 'b-secret' }];
    const { result } = await connectConvai(config({ iceServers: mine }), {}, internals({ verdict: 'webrtc-relay-tcp', reasons: ['TURN_TCP_ONLY'] }));
    expect(result.iceServerSource).toBe('config');
    expect(probeCalls[0]!.iceServers).toEqual(mine);
    expect(result).toMatchObject({ transport: 'livekit', reasons: ['TURN_TCP_ONLY'] });
    expect(backend.connectCount.livekit).toBe(1);
  });

  it('STUN only: probes with policy all (a srflx is the only evidence available)', async () => {
    iceFromBackend = [{ urls: 'stun:127.0.0.1:3478' }];
    await connectConvai(config(), {}, internals({ verdict: 'webrtc' }));
    expect(probeCalls[0]!.iceTransportPolicy).toBe('all');
  });

  it('malformed ice_servers from the backend: the bad entry is dropped with a warning, negotiation goes on', async () => {
    iceFromBackend = [{ urls: 'turn:127.0.0.1:3478' }, ...TURN];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      // the real probe validates its options first: that is where INVALID_CONFIG came from
      const validating = (inner: ProbeFunction): ProbeFunction => async (options) => {
        resolveProbeOptions(options as never);
        return inner(options);
      };
      const { result } = await connectConvai(config(), {}, internals({ verdict: 'webrtc', wrapProbe: validating }));
      expect(result).toMatchObject({ transport: 'livekit', iceServerSource: 'backend' });
      expect(probeCalls[0]!.iceServers).toEqual(TURN);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain('ice_servers[0]');
    } finally {
      warn.mockRestore();
    }
  });

  it('blocked: loads the WebSocket chunk and connects over it, resuming the session id', async () => {
    const events: NegotiationEvent[] = [];
    const { client, result } = await connectConvai(config(), { onProgress: (e) => events.push(e) }, internals({ verdict: 'websocket', reasons: ['UDP_BLOCKED'] }));
    expect(result).toMatchObject({ transport: 'websocket', reasons: ['UDP_BLOCKED'], verdict: 'websocket' });
    expect(events.map((e) => e.phase)).toEqual(['probing', 'verdict', 'loading-fallback', 'connecting', 'connected']);
    expect(loads).toBe(1);
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 1 });
    expect(sessions.map((s) => s.transport)).toEqual(['websocket']);
    expect(client.characterSessionId).toBeTruthy();
    expect(result.timings.loadMs).toBeGreaterThanOrEqual(0);
  });

  it('no RTCPeerConnection: WebSocket at once, no probe, no LiveKit session', async () => {
    const { result } = await connectConvai(config(), {}, internals({ hasRTCPeerConnection: false }));
    expect(result).toMatchObject({ transport: 'websocket', reasons: ['NO_RTCPEERCONNECTION'] });
    expect(probeCalls).toHaveLength(0);
    expect(backend.connectCount).toMatchObject({ livekit: 0, websocket: 1 });
  });

  it('good probe, failed LiveKit connect: falls back once and says why', async () => {
    const events: NegotiationEvent[] = [];
    const { result } = await connectConvai(config(), { onProgress: (e) => events.push(e) }, internals({ verdict: 'webrtc', livekitFails: true }));
    expect(result.transport).toBe('websocket');
    expect(result.fallback).toEqual({ from: 'livekit', code: 'CONNECT_FAILED', message: 'ICE failed' });
    expect(result.reasons).toContain('LIVEKIT_CONNECT_FAILED');
    expect(events.map((e) => e.phase)).toEqual(['probing', 'verdict', 'connecting', 'fallback', 'loading-fallback', 'connecting', 'connected']);
    expect(sessions.map((s) => [s.transport, s.disconnects])).toEqual([
      ['livekit', 1],
      ['websocket', 0],
    ]);
  });

  it('fallback can be turned off', async () => {
    const client = new ConvaiClient(config({ transport: 'auto', negotiation: { cache: false, fallbackOnConnectFailure: false } }), internals({ verdict: 'webrtc', livekitFails: true }));
    await expect(client.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    expect(loads).toBe(0);
  });

  it('remembers the verdict, skips the probe while fresh, and a failed connect forgets it', async () => {
    const cache = memoryStore();
    const script: Script = { verdict: 'websocket', reasons: ['UDP_BLOCKED'] };
    const first = await connectConvai(config({ negotiation: { cache } }), {}, internals(script));
    await first.client.disconnect();
    const second = await connectConvai(config({ negotiation: { cache } }), {}, internals(script));
    expect(probeCalls).toHaveLength(1);
    expect(second.result).toMatchObject({ transport: 'websocket', fromCache: true, reasons: ['CACHED_VERDICT', 'UDP_BLOCKED'] });
    expect(second.result.timings.probeMs).toBeUndefined();
    await second.client.disconnect();

    // a LiveKit verdict remembered, then LiveKit fails: the entry is replaced by what worked
    const cache2 = memoryStore();
    await (await connectConvai(config({ negotiation: { cache: cache2 } }), {}, internals({ verdict: 'webrtc' }))).client.disconnect();
    const third = await connectConvai(config({ negotiation: { cache: cache2 } }), {}, internals({ verdict: 'webrtc', livekitFails: true }));
    expect(third.result).toMatchObject({ fromCache: true, transport: 'websocket' });
    await third.client.disconnect();
    const fourth = await connectConvai(config({ negotiation: { cache: cache2 } }), {}, internals({ verdict: 'webrtc' }));
    expect(fourth.result).toMatchObject({ fromCache: true, transport: 'websocket' });
  });

  it('a different configuration does not reuse a verdict', async () => {
    const cache = memoryStore();
    await (await connectConvai(config({ negotiation: { cache } }), {}, internals({ verdict: 'websocket' }))).client.disconnect();
    const other = [{ urls: 'turn:127.0.0.1:5?transport=tcp', username: 'x', credential: 'y-secret' }];
    const { result } = await connectConvai(config({ negotiation: { cache }, iceServers: other }), {}, internals({ verdict: 'webrtc' }));
    expect(result.fromCache).toBe(false);
    expect(probeCalls).toHaveLength(2);
  });

  it('an expired verdict is probed again', async () => {
    const cache = memoryStore();
    await (await connectConvai(config({ negotiation: { cache, cacheTtlMs: 0 } }), {}, internals({ verdict: 'websocket' }))).client.disconnect();
    await connectConvai(config({ negotiation: { cache, cacheTtlMs: 0 } }), {}, internals({ verdict: 'websocket' }));
    expect(probeCalls).toHaveLength(2);
  });

  it('retries a failed chunk load, then succeeds', async () => {
    const { result } = await connectConvai(config(), {}, internals({ verdict: 'websocket', loaderFailures: 1 }));
    expect(result.transport).toBe('websocket');
    expect(loads).toBe(2);
  });

  it('a chunk that never loads surfaces CHUNK_LOAD_FAILED after bounded retries', async () => {
    const error = await connectConvai(config({ negotiation: { cache: false, chunkRetries: 1 } }), {}, internals({ verdict: 'websocket', loaderFailures: 99 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransportError', code: 'CHUNK_LOAD_FAILED' });
    expect(loads).toBe(2);
  });

  it('one AbortSignal cancels the probe and leaves nothing open', async () => {
    const controller = new AbortController();
    const pending = connectConvai(config(), { signal: controller.signal }, internals({ probeHangs: true }));
    await new Promise((r) => setTimeout(r, 100));
    expect(probeCalls).toHaveLength(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(sessions).toHaveLength(0);
    expect(loads).toBe(0);
  });

  it('disconnect() during the probe cancels the negotiation', async () => {
    const client = new ConvaiClient(config({ transport: 'auto' }), internals({ probeHangs: true }));
    const pending = client.connect();
    await new Promise((r) => setTimeout(r, 100));
    await client.disconnect();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(client.state.agentState).toBe('disconnected');
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
