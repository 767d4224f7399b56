import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createPipecatBot, type PipecatBot } from '../../examples/backend/pipecat-bot.js';
import { PipecatFrameType, encodeAudioFrame, encodeMessageFrame } from '../../src/transports/pipecat-frames.js';

/** The local bot on its own, driven by a raw `ws` client: the wire, the stats, and robustness. */

const API_KEY = 'bot-test-key';
let backend: Backend;
let bot: PipecatBot;

beforeAll(async () => {
  bot = createPipecatBot({ toneMs: 60, audioSampleRate: 24_000 });
  backend = await startBackend({ apiKey: API_KEY, services: [bot] });
});
afterAll(async () => {
  await backend.stop();
});

type Rtvi = { label: string; type: string; id: string; data: Record<string, unknown> };

async function openRaw(url: string): Promise<{ ws: WebSocket; messages: Rtvi[]; audio: { bytes: number; rate: number }[] }> {
  const ws = new WebSocket(url);
  const messages: Rtvi[] = [];
  const audio: { bytes: number; rate: number }[] = [];
  ws.on('message', (data: Buffer) => {
    const { frame } = PipecatFrameType.fromBinary(new Uint8Array(data));
    if (frame.oneofKind === 'message') messages.push(JSON.parse(frame.message.data) as Rtvi);
    if (frame.oneofKind === 'audio') audio.push({ bytes: frame.audio.audio.byteLength, rate: frame.audio.sampleRate });
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, messages, audio };
}

const rtvi = (type: string, data: unknown, id = 'm1'): Uint8Array =>
  encodeMessageFrame(JSON.stringify({ label: 'rtvi-ai', type, id, data }));

async function until<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('local Pipecat bot', () => {
  it('answers /connect for websocket with a ws_url on loopback', async () => {
    const res = await fetch(`${backend.url}/connect`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ character_id: 'c1', transport: 'websocket' }),
    });
    const body = (await res.json()) as { ws_url: string; character_session_id: string };
    expect(res.status).toBe(200);
    expect(body.ws_url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${backend.port}/ws/${body.character_session_id}\\?token=[\\w-]{32}$`));
  });

  it('speaks the wire: bot-ready for client-ready, an echo with a tone, mic stats', async () => {
    const { ws, messages, audio } = await openRaw(bot.sessionUrl(`ws://127.0.0.1:${backend.port}`, 'raw-1'));
    ws.send(rtvi('client-ready', { version: '2.1.0' }, 'ready-1'));
    const ready = await until(() => messages.find((m) => m.type === 'bot-ready'), 'bot-ready');
    expect(ready.id).toBe('ready-1');

    ws.send(rtvi('client-message', { t: 'user_text_message', d: { text: 'ping' } }));
    await until(() => messages.find((m) => m.type === 'bot-stopped-speaking'), 'reply');
    expect(messages.find((m) => m.type === 'bot-llm-text')?.data).toEqual({ text: 'You said: ping' });
    // 60 ms at 24 kHz in 20 ms frames: 3 frames of 480 samples
    expect(audio).toEqual([1, 2, 3].map(() => ({ bytes: 960, rate: 24_000 })));

    for (let i = 0; i < 50; i++) ws.send(encodeAudioFrame(new Uint8Array(512), 16_000));
    await until(() => messages.find((m) => m.type === 'user-transcription'), 'transcription stand-in');
    const stats = bot.sessions.find((s) => s.id === 'raw-1')!;
    expect(stats).toMatchObject({ micFrames: 50, micBytes: 25_600, micSampleRate: 16_000, texts: ['ping'] });
    expect(messages.some((m) => m.type === 'user-started-speaking')).toBe(true);
    ws.close();
    await until(() => !stats.open, 'close seen');
  });

  it('answers malformed input with RTVI errors and keeps serving', async () => {
    const { ws, messages } = await openRaw(bot.sessionUrl(`ws://127.0.0.1:${backend.port}`, 'raw-2'));
    ws.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    ws.send('a text frame');
    ws.send(encodeMessageFrame('not json'));
    ws.send(encodeMessageFrame(JSON.stringify({ type: 'client-ready' })));
    ws.send(rtvi('client-message', { t: 'user_text_message', d: { text: 42 } }));
    await until(() => messages.filter((m) => m.type === 'error').length === 5 && true, 'five errors');
    expect(messages.every((m) => m.type === 'error' && m.data['fatal'] === false)).toBe(true);
    ws.send(rtvi('client-ready', {}));
    await until(() => messages.find((m) => m.type === 'bot-ready'), 'bot-ready after garbage');
    expect(bot.sessions.find((s) => s.id === 'raw-2')?.malformedFrames).toBe(5);
    ws.close();
  });
});
