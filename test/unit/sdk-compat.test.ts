// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, createElement as h } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { ConvaiClient, type ClientInternals } from '../../src/client/convai-client.js';
import type { AudioState } from '../../src/client/audio-controls.js';
import type { ChatMessage } from '../../src/client/chat-log.js';
import type { ConvaiError } from '../../src/errors/convai-error.js';
import { createConvaiWidget, destroyConvaiWidget } from '../../src/widget/create-widget.js';
import { useConvaiClient } from '../../src/react/use-convai-client.js';
import type { ReactConvaiClient } from '../../src/react/react-client.js';
import { FakeSession } from '../support/fake-session.js';

/**
 * The rows of the README's migration table marked "same" that the packed-package apps
 * (test/integration/sdk-compat-packed.test.ts) do not already show, each against the
 * Convai Web SDK 1.2.0 behaviour it claims (read from the 1.2.0 package's code).
 */
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let sessions: FakeSession[] = [];
let bodies: Record<string, unknown>[] = [];
const internals: ClientInternals = {
  fetch: async (_url, init) => {
    bodies.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
    return new Response(JSON.stringify({ character_session_id: `s${bodies.length}`, room_url: 'ws://127.0.0.1:9', token: 't' }), { status: 200 });
  },
  createLiveKitSession: (onMessage, options) => {
    const session = new FakeSession('livekit', onMessage, options.enableMic);
    sessions.push(session);
    return session;
  },
};
const config = { apiKey: 'sk-compat', characterId: 'char-1', url: 'http://127.0.0.1:9' };
const make = (extra: Record<string, unknown> = {}): ConvaiClient => new ConvaiClient({ ...config, ...extra }, internals);
let root: Root | undefined;

afterEach(async () => {
  await act(async () => root?.unmount());
  root = undefined;
  sessions = [];
  bodies = [];
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

describe('ConvaiClient members as in 1.2.0', () => {
  it('sendUserTextMessage and updateDynamicInfo send trimmed text', async () => {
    const client = make();
    await client.connect();
    await expect(client.sendUserTextMessage('  hi  ')).resolves.toBe(true);
    await expect(client.updateDynamicInfo({ text: ' sunny ' })).resolves.toBe(true);
    expect(sessions[0]!.sent.map((s) => JSON.parse(s))).toEqual([
      { type: 'user_text_message', data: { text: 'hi' } },
      { type: 'update-dynamic-info', data: { dynamic_info: { text: 'sunny' } } },
    ]);
  });

  it('a send the transport fails resolves false with a SEND_FAILED error event, never a rejection', async () => {
    const client = make();
    await client.connect();
    sessions[0]!.send = () => Promise.reject(new Error('data channel closed'));
    const errors: ConvaiError[] = [];
    client.on('error', (e) => errors.push(e));
    await expect(client.sendInterruptMessage()).resolves.toBe(false);
    expect(errors.map((e) => e.code)).toEqual(['SEND_FAILED']);
  });

  it('apiKey and characterId are the config while connected, null otherwise; disconnect() ends it', async () => {
    const client = make();
    expect([client.apiKey, client.characterId]).toEqual([null, null]);
    await client.connect();
    expect([client.apiKey, client.characterId]).toEqual(['sk-compat', 'char-1']);
    await client.disconnect();
    expect([client.apiKey, client.characterId, client.state.isConnected]).toEqual([null, null, false]);
    expect(sessions[0]!.disconnects).toBe(1);
  });

  it("characterSessionId '-1' in the config means a new conversation, as in 1.2.0", async () => {
    const client = make({ characterSessionId: '-1' });
    await client.connect();
    expect(bodies[0]).not.toHaveProperty('character_session_id');
  });

  it('endUserId, endUserMetadata and ttsEnabled go to /connect as 1.2.0 sends them', async () => {
    await make({ endUserId: 'u-1', endUserMetadata: { plan: 'pro' }, ttsEnabled: false }).connect();
    expect(bodies[0]).toMatchObject({ end_user_id: 'u-1', end_user_metadata: { plan: 'pro' }, default_tts_enabled: false });
  });

  it('connect(config) with another apiKey is refused by name (the config is fixed at construction)', async () => {
    const client = make();
    const override = { apiKey: 'another-key' } as unknown as Parameters<ConvaiClient['connect']>[0];
    await expect(client.connect(override)).rejects.toMatchObject({ code: 'INVALID_CONFIG', field: 'apiKey' });
    expect(bodies).toHaveLength(0);
  });

  it('userTranscription is the live text, cleared when the final text arrives', async () => {
    const client = make();
    await client.connect();
    sessions[0]!.deliver({ type: 'user-transcription', data: { text: 'hel', final: false } });
    expect(client.userTranscription).toBe('hel');
    sessions[0]!.deliver({ type: 'user-transcription', data: { text: 'hello', final: true } });
    expect(client.userTranscription).toBe('');
  });

  it('isListening is the user speaking; agentState priority speaking > listening > thinking > connected', async () => {
    const client = make();
    await client.connect();
    const s = sessions[0]!;
    expect(client.state.agentState).toBe('connected');
    s.deliver({ type: 'bot-llm-started', data: {} });
    expect(client.state.agentState).toBe('thinking');
    s.deliver({ type: 'user-started-speaking', data: {} });
    expect([client.state.isListening, client.state.agentState]).toEqual([true, 'listening']);
    s.deliver({ type: 'bot-started-speaking', data: {} });
    expect(client.state.agentState).toBe('speaking');
    s.deliver({ type: 'bot-stopped-speaking', data: {} });
    s.deliver({ type: 'user-stopped-speaking', data: {} });
    expect(client.state.agentState).toBe('connected');
  });

  it('message carries the last ChatMessage; bot text is bot-llm-text with isStreaming', async () => {
    const client = make();
    await client.connect();
    const last: ChatMessage[] = [];
    client.on('message', (m) => last.push(m));
    sessions[0]!.deliver({ type: 'bot-llm-started', data: {} });
    sessions[0]!.deliver({ type: 'bot-llm-text', data: { text: 'Hi' } });
    sessions[0]!.deliver({ type: 'bot-llm-stopped', data: {} });
    expect(last.map((m) => [m.type, m.content, m.isStreaming])).toEqual([
      ['bot-llm-text', '', true],
      ['bot-llm-text', 'Hi', true],
      ['bot-llm-text', 'Hi', false],
    ]);
  });
});

describe('audioControls as in 1.2.0', () => {
  it('audioStateChange reports mute changes; off() stops it; enable/disable drive the mic', async () => {
    const client = make({ startWithAudioOn: false });
    await client.connect();
    const states: AudioState[] = [];
    const listener = (s: AudioState) => states.push(s);
    client.audioControls.on('audioStateChange', listener);
    await client.audioControls.enableAudio();
    expect(client.audioControls.isAudioEnabled).toBe(true);
    await client.audioControls.disableAudio();
    client.audioControls.off('audioStateChange', listener);
    await client.audioControls.enableAudio();
    expect(states).toEqual([
      { isAudioMuted: false, isAudioEnabled: true, audioLevel: 0 },
      { isAudioMuted: true, isAudioEnabled: false, audioLevel: 0 },
    ]);
  });

  it('getAudioDevices lists audio inputs only', async () => {
    const devices = [
      { kind: 'audioinput', deviceId: 'mic-1' },
      { kind: 'videoinput', deviceId: 'cam-1' },
      { kind: 'audioinput', deviceId: 'mic-2' },
    ];
    vi.stubGlobal('navigator', { mediaDevices: { enumerateDevices: async () => devices } });
    const list = await make().audioControls.getAudioDevices();
    expect(list.map((d) => d.deviceId)).toEqual(['mic-1', 'mic-2']);
  });

  it('setAudioDevice switches the session microphone, and says why when it cannot', async () => {
    const client = make();
    await expect(client.audioControls.setAudioDevice('mic-2')).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    await client.connect();
    const switched: string[] = [];
    sessions[0]!.setMicrophoneDevice = async (id: string) => {
      switched.push(id);
    };
    await client.audioControls.setAudioDevice('mic-2');
    expect(switched).toEqual(['mic-2']);
    await expect(client.audioControls.setAudioDevice('')).rejects.toMatchObject({ code: 'INVALID_CONFIG', field: 'deviceId' });
  });
});

describe('createConvaiWidget / destroyConvaiWidget as in 1.2.0', () => {
  it('makes its own client from apiKey/characterId and ends it on destroy', async () => {
    const widget = createConvaiWidget(document.body, { apiKey: 'sk-compat', characterId: 'char-1', url: 'http://127.0.0.1:9', transport: 'livekit' });
    expect(widget.client).toBeInstanceOf(ConvaiClient);
    expect(widget.client.config.characterId).toBe('char-1');
    expect(widget.element.isConnected).toBe(true);
    const disconnect = vi.spyOn(widget.client, 'disconnect');
    destroyConvaiWidget(widget);
    expect(widget.element.isConnected).toBe(false);
    expect(disconnect).toHaveBeenCalledTimes(1);
  });

  it('names what is missing, and still accepts the container', () => {
    expect(() => createConvaiWidget(document.body, { characterId: 'c' })).toThrow(expect.objectContaining({ field: 'apiKey' }));
    const client = make();
    const container = document.createElement('div');
    document.body.append(container);
    const widget = createConvaiWidget(container, { convaiClient: client, onConnect: () => undefined });
    destroyConvaiWidget(container);
    expect(widget.element.isConnected).toBe(false);
  });
});

describe('useConvaiClient as in 1.2.0', () => {
  it('re-renders on chat changes and has activity, isAudioMuted, isVideoEnabled, isScreenShareActive', async () => {
    const seen: ReactConvaiClient[] = [];
    const texts: string[] = [];
    function App() {
      const client = useConvaiClient({ ...config, startWithAudioOn: false }, {}, internals);
      seen.push(client);
      texts.push(`${client.activity}|${client.chatMessages.length}|${client.isAudioMuted}|${client.isVideoEnabled}|${client.isScreenShareActive}`);
      return null;
    }
    const container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
    await act(async () => root!.render(h(App)));
    const client = seen[0]!;
    await act(async () => client.connect());
    await act(async () => sessions[0]!.deliver({ type: 'bot-llm-text', data: { text: 'Hi' } }));
    expect(texts[0]).toBe('Disconnected|0|true|false|false');
    expect(texts.at(-1)).toBe('Connected|1|true|false|false');
    expect(new Set(seen).size).toBe(1);
  });
});
