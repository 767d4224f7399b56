import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAutoNegotiator } from '../../src/negotiator/auto-negotiator.js';
import { ConvaiClient, type ClientInternals } from '../../src/client/convai-client.js';
import type { ConvaiClientConfig } from '../../src/client/config.js';
import { setWebSocketFactory } from '../../src/client/websocket-registry.js';
import { TransportError } from '../../src/errors/transport-error.js';
import type { NegotiationEvent } from '../../src/client/negotiation-types.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { FakeSession } from '../support/fake-session.js';

/**
 * The handoff policy (`src/negotiator/session-handoff.ts`) against a real `/connect`
 * server, with the sessions scripted: which losses are handed off, which are not,
 * and what the backend is asked. The real thing runs in Chromium in
 * test/e2e/fault-livekit.test.ts.
 */

let backend: Backend;
let bodies: Record<string, unknown>[];
let sessions: FakeSession[];
let wsFails: boolean;

beforeEach(async () => {
  bodies = [];
  sessions = [];
  wsFails = false;
  setWebSocketFactory(undefined);
  backend = await startBackend({
    apiKey: 'sk-handoff',
    services: [
      { name: 'lk', transport: 'livekit', connectFields: () => ({ room_url: 'ws://127.0.0.1:9', token: 'tkn' }), close: async () => {} },
      {
        name: 'ws',
        transport: 'websocket',
        connectFields: (ctx) => {
          bodies.push({ characterSessionId: ctx.characterSessionId });
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

const internals: ClientInternals = {
  createLiveKitSession: (onMessage, o) => {
    const s = new FakeSession('livekit', onMessage, o.enableMic);
    sessions.push(s);
    return s;
  },
  autoNegotiator: createAutoNegotiator({
    probe: async () => ({ verdict: 'webrtc', reasons: [] }),
    hasRTCPeerConnection: true,
    loader: async () => {
      setWebSocketFactory((onMessage, enableMic) => {
        const s = new FakeSession('websocket', onMessage, enableMic) as FakeSession & { transport: 'websocket' };
        if (wsFails) s.failWith = new TransportError('BOT_READY_TIMEOUT', 'no bot-ready', { transport: 'websocket' });
        sessions.push(s);
        return s;
      });
    },
  }),
};

function client(extra: Partial<ConvaiClientConfig> = {}): ConvaiClient {
  return new ConvaiClient({ apiKey: 'sk-handoff', characterId: 'c', url: backend.url, transport: 'auto', negotiation: { cache: false }, ...extra }, internals);
}

const lost = new TransportError('CONNECTION_LOST', 'LiveKit room disconnected (unknown).', { transport: 'livekit' });

function loseLiveKit(s: FakeSession, reconnectingFirst = true): void {
  if (reconnectingFirst) s.events.emit('reconnecting', { reason: 'resuming' });
  s.events.emit('disconnected', { reason: 'LiveKit room disconnected (unknown)', error: lost });
}

async function settled(c: ConvaiClient): Promise<void> {
  // the handoff runs as the pending connect; connect() waits for it (and is a no-op after)
  await c.connect().catch(() => undefined);
}

describe('session handoff policy', () => {
  it('hands a lost auto LiveKit session to WebSocket, resuming the same character_session_id', async () => {
    const c = client();
    const phases: NegotiationEvent[] = [];
    const kinds: string[] = [];
    c.on('negotiation', (e) => phases.push(e));
    c.on('connect', (e) => kinds.push(`connect:${e.transport}`));
    c.on('disconnect', () => kinds.push('disconnect'));
    await c.connect();
    const id = c.characterSessionId;
    loseLiveKit(sessions[0]!);
    expect(c.state.isConnecting).toBe(true);
    await settled(c);
    expect(c.transport).toBe('websocket');
    expect(c.state.isConnected).toBe(true);
    expect(bodies).toEqual([{ characterSessionId: id }]);
    expect(c.characterSessionId).toBe(id);
    expect(kinds).toEqual(['connect:livekit', 'connect:websocket']);
    const handoff = phases.find((e) => e.phase === 'handoff');
    expect(handoff).toEqual({ phase: 'handoff', from: 'livekit', to: 'websocket', reason: 'LiveKit room disconnected (unknown)', characterSessionId: id });
    expect(c.lastNegotiation).toMatchObject({ transport: 'websocket', reasons: ['LIVEKIT_CONNECTION_LOST'], handoff: { from: 'livekit', characterSessionId: id } });
    await c.sendUserTextMessage('hi');
    expect(sessions[1]!.sent).toEqual(['{"type":"user_text_message","data":{"text":"hi"}}']);
    await c.disconnect();
    expect(sessions[1]!.disconnects).toBe(1);
  });

  it('does not hand off a loss without a prior reconnecting (the server ended it on purpose)', async () => {
    const c = client();
    await c.connect();
    const ended = new Promise((resolve) => c.on('disconnect', resolve));
    loseLiveKit(sessions[0]!, false);
    expect(await ended).toMatchObject({ error: { code: 'CONNECTION_LOST' } });
    expect(sessions).toHaveLength(1);
  });

  it('does not hand off with handoffOnLoss: false or a forced transport', async () => {
    const variants: Partial<ConvaiClientConfig>[] = [{ negotiation: { cache: false, handoffOnLoss: false } }, { transport: 'livekit' }];
    for (const extra of variants) {
      sessions = [];
      const c = client(extra);
      await c.connect();
      const ended = new Promise((resolve) => c.on('disconnect', resolve));
      loseLiveKit(sessions[0]!);
      expect(await ended).toMatchObject({ error: { code: 'CONNECTION_LOST' } });
      expect(sessions).toHaveLength(1);
      expect(c.state.isConnected).toBe(false);
    }
  });

  it('a failed handoff ends in the typed error of the step that failed, and one disconnect', async () => {
    const c = client();
    await c.connect();
    wsFails = true;
    const errors: string[] = [];
    const disconnects: unknown[] = [];
    c.on('error', (e) => errors.push(e.code));
    c.on('disconnect', (d) => disconnects.push(d));
    loseLiveKit(sessions[0]!);
    await expect(c.connect()).rejects.toMatchObject({ code: 'BOT_READY_TIMEOUT' });
    expect(errors).toEqual(['BOT_READY_TIMEOUT']);
    expect(disconnects).toHaveLength(1);
    expect(disconnects[0]).toMatchObject({ error: { code: 'BOT_READY_TIMEOUT' } });
    expect(c.state).toMatchObject({ isConnected: false, isConnecting: false });
  });

  it('disconnect() from a listener of the handoff event cancels the handoff: nothing connects afterwards', async () => {
    const c = client();
    await c.connect();
    const states: boolean[] = [];
    c.on('negotiation', (e) => {
      if (e.phase === 'handoff') void c.disconnect();
    });
    c.on('stateChange', (st) => states.push(st.isConnected));
    loseLiveKit(sessions[0]!);
    // not settled(): a connect() after the disconnect would start a new session
    await new Promise((r) => setTimeout(r, 100));
    expect(c.state).toMatchObject({ isConnected: false, isConnecting: false });
    // no WebSocket session was left connected behind the app's back
    expect(sessions.filter((s) => s.transport === 'websocket' && s.disconnects === 0)).toEqual([]);
    expect(states.at(-1)).toBe(false);
  });

  it('disconnect() from the first stateChange of the handoff cancels it too', async () => {
    const c = client();
    await c.connect();
    c.on('stateChange', (st) => {
      if (st.isConnecting) void c.disconnect();
    });
    loseLiveKit(sessions[0]!);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.state).toMatchObject({ isConnected: false, isConnecting: false });
    expect(sessions.filter((s) => s.transport === 'websocket' && s.disconnects === 0)).toEqual([]);
  });

  it('a WebSocket session that stalls (auto) is handed to LiveKit, resuming the conversation', async () => {
    const c = new ConvaiClient(
      { apiKey: 'sk-handoff', characterId: 'c', url: backend.url, transport: 'auto', negotiation: { cache: false } },
      {
        ...internals,
        // the first LiveKit attempt loses the race to a conclusive probe; the handoff's connects
        createLiveKitSession: (onMessage, o) => {
          const s = new FakeSession('livekit', onMessage, o.enableMic);
          if (!sessions.some((x) => x.transport === 'livekit')) s.hang = true;
          sessions.push(s);
          return s;
        },
        autoNegotiator: createAutoNegotiator({
          // this backend names no ICE servers and the fake LiveKit no join: WebSocket at the guard
          probe: async () => ({ verdict: 'websocket', reasons: ['TURN_AUTH_FAILED'] }),
          hasRTCPeerConnection: true,
          loader: async () => {
            setWebSocketFactory((onMessage, enableMic) => {
              const s = new FakeSession('websocket', onMessage, enableMic) as FakeSession & { transport: 'websocket' };
              sessions.push(s);
              return s;
            });
          },
        }),
      },
    );
    await c.connect();
    expect(c.transport).toBe('websocket');
    const id = c.characterSessionId;
    const ws = sessions.find((s) => s.transport === 'websocket')!;
    ws.events.emit('disconnected', {
      reason: 'The WebSocket connection stalled',
      error: new TransportError('CONNECTION_LOST', 'The WebSocket connection stalled.', { transport: 'websocket' }),
    });
    await settled(c);
    expect(c.transport).toBe('livekit');
    expect(c.characterSessionId).toBe(id);
    expect(c.lastNegotiation).toMatchObject({ transport: 'livekit', reasons: ['WEBSOCKET_CONNECTION_LOST', 'WEBRTC_TIMEOUT'], handoff: { from: 'websocket', to: 'livekit' } });
    await c.disconnect();
  });

  it('refuses a non-boolean negotiation.handoffOnLoss, naming the field', () => {
    expect(() => client({ negotiation: { handoffOnLoss: 'yes' as never } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', field: 'negotiation.handoffOnLoss' }),
    );
  });
});
