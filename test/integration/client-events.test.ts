import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConvaiClient } from '../../src/client/convai-client.js';
import { setWebSocketFactory } from '../../src/client/websocket-registry.js';
import type { ConvaiError } from '../../src/errors/convai-error.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { FakeSession } from '../support/fake-session.js';
import type { ConvaiClientState } from '../../src/client/state.js';

const API_KEY = 'sk-client-events-secret';
let backend: Backend;
let sessions: FakeSession[];

beforeEach(async () => {
  sessions = [];
  backend = await startBackend({
    apiKey: API_KEY,
    services: [
      { name: 'fake-livekit', transport: 'livekit', connectFields: () => ({ room_url: 'ws://127.0.0.1:9', token: 'tkn' }), close: async () => {} },
      { name: 'fake-ws', transport: 'websocket', connectFields: (ctx) => ({ ws_url: `${ctx.wsBase}/ws` }), close: async () => {} },
    ],
  });
});

afterEach(async () => {
  setWebSocketFactory(undefined);
  await backend.stop();
});

function makeClient(extra: Record<string, unknown> = {}): ConvaiClient {
  return new ConvaiClient(
    { apiKey: API_KEY, characterId: 'c1', url: backend.url, ...extra },
    {
      createLiveKitSession: (onMessage, options) => {
        const session = new FakeSession('livekit', onMessage, options.enableMic);
        sessions.push(session);
        return session;
      },
    },
  );
}

describe('ConvaiClient state and events', () => {
  it('goes connecting -> connected and reports the transport and session', async () => {
    const client = makeClient();
    const states: ConvaiClientState['agentState'][] = [];
    client.on('stateChange', (s) => states.push(s.agentState));
    const connected: unknown[] = [];
    client.on('connect', (e) => connected.push(e));
    await client.connect();
    expect(states).toEqual(['connecting', 'connected']);
    expect(client.state).toMatchObject({ isConnected: true, isListening: false, isConnecting: false });
    expect(client.transport).toBe('livekit');
    expect(connected).toEqual([{ transport: 'livekit', characterSessionId: expect.any(String) }]);
    expect(sessions[0]!.connectedTo).toEqual({ transport: 'livekit', roomUrl: 'ws://127.0.0.1:9', token: 'tkn' });
    expect(backend.connectCount.livekit).toBe(1);
  });

  it('connect() twice at once makes one session', async () => {
    const client = makeClient();
    const a = client.connect();
    const b = client.connect();
    expect(a).toBe(b);
    await Promise.all([a, b]);
    expect(sessions).toHaveLength(1);
    expect(backend.connectCount.livekit).toBe(1);
  });

  it('turns bot messages into state, chat and events', async () => {
    const client = makeClient();
    await client.connect();
    const fake = sessions[0]!;
    const seen: string[] = [];
    client.on('inboundMessage', (m) => seen.push(m.type));
    let ready = 0;
    client.on('botReady', () => (ready += 1));
    const speaking: boolean[] = [];
    client.on('speakingChange', (s) => speaking.push(s));
    const transcripts: string[] = [];
    client.on('userTranscriptionChange', (t) => transcripts.push(t));

    fake.deliver({ type: 'bot-ready', data: {} });
    await client.sendUserTextMessage('hello');
    expect(JSON.parse(fake.sent[0]!)).toEqual({ type: 'user_text_message', data: { text: 'hello' } });
    expect(client.state.agentState).toBe('thinking');
    fake.deliver({ type: 'bot-llm-started', data: {} });
    fake.deliver({ type: 'bot-llm-text', data: { text: 'You said: ' } });
    fake.deliver({ type: 'bot-llm-text', data: { text: 'hello' } });
    fake.deliver({ type: 'bot-started-speaking', data: {} });
    expect(client.state.agentState).toBe('speaking');
    fake.deliver({ type: 'bot-llm-stopped', data: {} });
    fake.deliver({ type: 'bot-stopped-speaking', data: {} });
    fake.deliver({ type: 'user-transcription', data: { text: 'partial', final: false } });
    fake.deliver({ type: 'user-transcription', data: { text: 'final words', final: true } });

    expect(ready).toBe(1);
    expect(speaking).toEqual([true, false]);
    // as 1.2.0: the live text, then '' once the final text is in the chat log
    expect(transcripts).toEqual(['partial', '']);
    expect(client.state.agentState).toBe('connected');
    expect(client.chatMessages.map((m) => [m.type, m.content, m.isFinal])).toEqual([
      ['user', 'hello', true],
      ['bot-llm-text', 'You said: hello', true],
      ['user-transcription', 'final words', true],
    ]);
    expect(seen).toContain('bot-llm-text');
  });

  it('drops a malformed message with an error and keeps the next valid one', async () => {
    const client = makeClient();
    await client.connect();
    const errors: ConvaiError[] = [];
    client.on('error', (e) => errors.push(e));
    const seen: string[] = [];
    client.on('inboundMessage', (m) => seen.push(m.type));
    sessions[0]!.deliver('{not json');
    sessions[0]!.deliver({ type: 'bot-llm-text', data: { nope: 1 } });
    sessions[0]!.deliver({ type: 'bot-ready', data: {} });
    expect(errors.map((e) => e.code)).toEqual(['MALFORMED_MESSAGE', 'MALFORMED_MESSAGE']);
    expect(seen).toEqual(['bot-ready']);
    expect(client.state.isConnected).toBe(true);
  });

  it('audioControls mute and unmute the session mic', async () => {
    const client = makeClient({ startWithAudioOn: false });
    expect(client.audioControls.isAudioMuted).toBe(true);
    await client.connect();
    const fake = sessions[0]!;
    expect(fake.micEnabled).toBe(false);
    expect(client.audioControls.isAudioEnabled).toBe(false);
    await client.audioControls.unmuteAudio();
    expect(fake.micEnabled).toBe(true);
    expect(client.audioControls.isAudioEnabled).toBe(true);
    await client.audioControls.toggleAudio();
    expect(fake.micEnabled).toBe(false);
    expect(client.audioControls.isAudioMuted).toBe(true);
  });

  it('sends every outbound message type in the Convai vocabulary', async () => {
    const client = makeClient();
    await client.connect();
    await client.sendTriggerMessage('wave', 'hi');
    await client.sendInterruptMessage();
    await client.toggleTts(false);
    await client.updateTemplateKeys({ name: 'Ada' });
    await client.updateDynamicInfo({ text: 'sunny' });
    expect(sessions[0]!.sent.map((s) => JSON.parse(s))).toEqual([
      { type: 'trigger-message', data: { trigger_name: 'wave', trigger_message: 'hi' } },
      { type: 'interrupt-bot', data: {} },
      { type: 'tts-toggle', data: { enabled: false } },
      { type: 'update-template-keys', data: { template_keys: { name: 'Ada' } } },
      { type: 'update-dynamic-info', data: { dynamic_info: { text: 'sunny' } } },
    ]);
  });

  it('does not send while disconnected: resolves false and emits a typed error naming the message', async () => {
    const client = makeClient();
    const errors: ConvaiError[] = [];
    client.on('error', (e) => errors.push(e));
    await expect(client.sendUserTextMessage('hi')).resolves.toBe(false);
    await expect(client.sendUserTextMessage('')).resolves.toBe(false);
    expect(errors.map((e) => e.code)).toEqual(['NOT_CONNECTED', 'INVALID_CONFIG']);
    expect(errors[0]!.message).toContain('user_text_message');
    expect(errors[1]).toMatchObject({ field: 'text' });
  });

  it('reports an unexpected transport loss as disconnect + error', async () => {
    const client = makeClient();
    await client.connect();
    const events: string[] = [];
    client.on('disconnect', (e) => events.push(`disconnect:${e.reason}`));
    client.on('error', (e) => events.push(`error:${e.code}`));
    const { TransportError } = await import('../../src/errors/transport-error.js');
    sessions[0]!.events.emit('disconnected', { reason: 'gone', error: new TransportError('CONNECTION_LOST', 'gone') });
    expect(events).toEqual(['error:CONNECTION_LOST', 'disconnect:gone']);
    expect(client.state.agentState).toBe('disconnected');
  });

  it('disconnect() during connect aborts it and leaves nothing open', async () => {
    const client = new ConvaiClient(
      { apiKey: API_KEY, characterId: 'c1', url: backend.url },
      {
        createLiveKitSession: (onMessage, options) => {
          const session = new FakeSession('livekit', onMessage, options.enableMic);
          session.hang = true;
          sessions.push(session);
          return session;
        },
      },
    );
    const pending = client.connect();
    await new Promise((r) => setTimeout(r, 50));
    await client.disconnect();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(sessions[0]!.disconnects).toBeGreaterThanOrEqual(1);
    expect(client.state.agentState).toBe('disconnected');
  });

  it('reconnect() resumes the same character_session_id', async () => {
    const client = makeClient();
    await client.connect();
    const first = client.characterSessionId;
    expect(first).toBeTruthy();
    await client.reconnect();
    expect(client.characterSessionId).toBe(first);
    expect(sessions).toHaveLength(2);
    expect(sessions[0]!.disconnects).toBe(1);
  });

  it('a failed transport connect rejects with a typed error and emits it', async () => {
    const client = new ConvaiClient(
      { apiKey: API_KEY, characterId: 'c1', url: backend.url },
      {
        createLiveKitSession: (onMessage, options) => {
          const session = new FakeSession('livekit', onMessage, options.enableMic);
          session.failWith = new Error('ICE failed');
          sessions.push(session);
          return session;
        },
      },
    );
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    await expect(client.connect()).rejects.toMatchObject({ code: 'CONNECT_FAILED', name: 'TransportError' });
    expect(errors).toEqual(['CONNECT_FAILED']);
    expect(sessions[0]!.disconnects).toBe(1);
    expect(client.state.isConnecting).toBe(false);
  });

  it('a throwing listener does not break the others', async () => {
    const client = makeClient();
    const seen: string[] = [];
    const swallow = (e: unknown) => seen.push(`uncaught:${(e as Error).message}`);
    process.on('uncaughtException', swallow);
    try {
      client.on('stateChange', () => {
        throw new Error('listener bug');
      });
      client.on('stateChange', (s) => seen.push(s.agentState));
      await client.connect();
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('uncaughtException', swallow);
    }
    expect(seen).toContain('connected');
    expect(seen).toContain('uncaught:listener bug');
  });

  it('unsubscribe functions stop delivery', async () => {
    const client = makeClient();
    let count = 0;
    const off = client.on('stateChange', () => (count += 1));
    off();
    await client.connect();
    expect(count).toBe(0);
  });
});

describe('WebSocket transport registry', () => {
  it('forced websocket with nothing registered throws the seed error before any network call', async () => {
    setWebSocketFactory(undefined);
    const client = makeClient({ transport: 'websocket' });
    const error = await client.connect().catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "[ConvaiClient] WebSocket transport is not registered.\nAdd `import 'convai-transport/vanilla/websocket'` before calling connect().",
    );
    expect((error as ConvaiError).code).toBe('WEBSOCKET_NOT_REGISTERED');
    expect(backend.connectCount).toEqual({ livekit: 0, websocket: 0, rejected: 0 });
  });

  it('uses a registered factory, passing the initial mic state', async () => {
    const made: FakeSession[] = [];
    ConvaiClient.registerWebSocketTransport((onMessage, enableMic) => {
      const s = new FakeSession('websocket', onMessage, enableMic) as FakeSession & { transport: 'websocket' };
      made.push(s);
      return s;
    });
    expect(ConvaiClient.isWebSocketTransportRegistered).toBe(true);
    const client = makeClient({ transport: 'websocket', startWithAudioOn: false });
    await client.connect();
    expect(made).toHaveLength(1);
    expect(made[0]!.micEnabled).toBe(false);
    expect(made[0]!.connectedTo).toEqual({ transport: 'websocket', wsUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/) });
  });

  it('rejects a factory that is not a function', () => {
    expect(() => ConvaiClient.registerWebSocketTransport('nope' as never)).toThrow(/factory/);
  });
});
