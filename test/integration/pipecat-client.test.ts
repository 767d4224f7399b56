import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPipecatNodeGlobals } from './pipecat-node-globals.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createPipecatBot, type PipecatBot } from '../../examples/backend/pipecat-bot.js';
import { ConvaiClient } from '../../src/client/convai-client.js';
import type { ConvaiError } from '../../src/errors/convai-error.js';
import type { ChatMessage } from '../../src/client/chat-log.js';
import '../../src/websocket.js';

installPipecatNodeGlobals();

const API_KEY = 'sk-pipecat-client-secret';
let backend: Backend;
let bot: PipecatBot;

beforeAll(async () => {
  bot = createPipecatBot({ toneMs: 100 });
  backend = await startBackend({ apiKey: API_KEY, services: [bot] });
});
afterAll(async () => {
  await backend.stop();
});

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function makeClient(): ConvaiClient {
  return new ConvaiClient({
    apiKey: API_KEY,
    characterId: 'char-1',
    url: backend.url,
    transport: 'websocket',
    startWithAudioOn: false,
  });
}

describe('ConvaiClient over the registered WebSocket transport (Node, real backend)', () => {
  it('connects via /connect -> ws_url, gets bot-ready, and round-trips a text into the chat log', async () => {
    const client = makeClient();
    const botReady: unknown[] = [];
    client.on('botReady', (e) => botReady.push(e));
    let chat: readonly ChatMessage[] = [];
    client.on('messagesChange', (m) => (chat = m));
    const errors: ConvaiError[] = [];
    client.on('error', (e) => errors.push(e));

    await client.connect();
    expect(client.state.isConnected).toBe(true);
    expect(client.transport).toBe('websocket');
    expect(botReady).toEqual([{ transport: 'websocket' }]);
    expect(backend.connectCount.websocket).toBeGreaterThan(0);
    const stats = await until(() => bot.sessions.find((s) => s.id === client.characterSessionId), 'bot session');
    expect(stats.open).toBe(true);

    await client.sendUserTextMessage('hello over pipecat');
    await until(() => chat.some((m) => m.content.includes('You said: hello over pipecat')), 'bot reply in chat');
    expect(stats.texts).toEqual(['hello over pipecat']);

    await client.disconnect();
    expect(client.state.isConnected).toBe(false);
    await until(() => !stats.open, 'server sees the close');
    // Node has no getUserMedia: the only error is the mic notice
    expect(errors.every((e) => e.code === 'MICROPHONE_UNAVAILABLE')).toBe(true);
  });

  it('emits `disconnect` with CONNECTION_LOST when the server drops mid-session', async () => {
    bot.faults.closeAfterMs = 100;
    try {
      const client = makeClient();
      const ended = new Promise<{ reason: string; error?: ConvaiError }>((resolve) => client.on('disconnect', resolve));
      await client.connect();
      const event = await ended;
      expect(event.error?.code).toBe('CONNECTION_LOST');
      expect(client.state.isConnected).toBe(false);
      const refused = new Promise<ConvaiError>((resolve) => client.on('error', resolve));
      await expect(client.sendUserTextMessage('anyone?')).resolves.toBe(false);
      await expect(refused).resolves.toMatchObject({ code: 'NOT_CONNECTED' });
    } finally {
      delete bot.faults.closeAfterMs;
    }
  });

  it('fails connect with BOT_READY_TIMEOUT (bounded by connectTimeoutMs) when the bot never answers', async () => {
    bot.faults.neverReady = true;
    try {
      const client = new ConvaiClient({
        apiKey: API_KEY,
        characterId: 'char-1',
        url: backend.url,
        transport: 'websocket',
        startWithAudioOn: false,
        connectTimeoutMs: 400,
      });
      await expect(client.connect()).rejects.toMatchObject({ code: 'BOT_READY_TIMEOUT' });
      expect(client.state.isConnected).toBe(false);
      await until(() => bot.connectedCount === 0, 'no socket left open');
    } finally {
      delete bot.faults.neverReady;
    }
  });
});
