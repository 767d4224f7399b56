import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { installPipecatNodeGlobals } from './pipecat-node-globals.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createPipecatBot, type PipecatBot, type PipecatBotSessionStats } from '../../examples/backend/pipecat-bot.js';
import { PipecatSession } from '../../src/transports/pipecat-session.js';
import { decodeMessage, encodeMessage, type InboundMessage } from '../../src/messages/convai-messages.js';
import type { ConvaiError } from '../../src/errors/convai-error.js';
import type { WebSocketConstructor } from '../../src/transports/pipecat-socket.js';
import { freePort } from '../support/ports.js';
import { createServer, type Socket } from 'node:net';

installPipecatNodeGlobals();

const WS = NodeWebSocket as unknown as WebSocketConstructor;
let backend: Backend;
let bot: PipecatBot;
let n = 0;

beforeAll(async () => {
  bot = createPipecatBot({ toneMs: 100 });
  backend = await startBackend({ apiKey: 'test-key', services: [bot] });
});
afterAll(async () => {
  await backend.stop();
});
afterEach(() => {
  for (const key of Object.keys(bot.faults)) delete bot.faults[key as keyof typeof bot.faults];
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

function open(options: ConstructorParameters<typeof PipecatSession>[2] = {}) {
  const received: InboundMessage[] = [];
  const session = new PipecatSession(
    (bytes) => {
      const decoded = decodeMessage(bytes);
      if (decoded.ok) received.push(decoded.message);
    },
    false,
    { WebSocket: WS, ...options },
  );
  const id = `s${++n}-${Date.now()}`;
  const target = { transport: 'websocket' as const, wsUrl: bot.sessionUrl(`ws://127.0.0.1:${backend.port}`, id) };
  const stats = (): PipecatBotSessionStats | undefined => bot.sessions.find((s) => s.id === id);
  return { session, received, target, stats };
}

describe('PipecatSession against the local Pipecat bot (real socket, real protobuf)', () => {
  it('connects on bot-ready, round-trips a text, and closes the socket on disconnect', async () => {
    const { session, received, target, stats } = open();
    await session.connect(target, { timeoutMs: 5_000 });
    expect(received.map((m) => m.type)).toContain('bot-ready');
    expect(stats()?.clientReady).toBe(true);

    await session.send(encodeMessage({ type: 'user_text_message', data: { text: 'hello bot' } }));
    const reply = await until(() => received.find((m) => m.type === 'bot-llm-text'), 'bot-llm-text');
    expect(reply.data).toEqual({ text: 'You said: hello bot' });
    expect(stats()?.texts).toEqual(['hello bot']);
    await until(() => received.find((m) => m.type === 'bot-stopped-speaking'), 'bot-stopped-speaking');
    const order = received.map((m) => m.type).filter((t) => t.startsWith('bot-') && t !== 'bot-ready');
    expect(order).toEqual(['bot-llm-started', 'bot-llm-text', 'bot-llm-stopped', 'bot-started-speaking', 'bot-stopped-speaking']);

    await session.disconnect();
    await until(() => stats()?.open === false, 'server to see the close');
    expect(stats()?.closeCode).toBe(1000);
    await expect(session.send(encodeMessage({ type: 'user_text_message', data: { text: 'late' } }))).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
    });
    await session.disconnect(); // idempotent
  });

  it('reports a server drop mid-session as `disconnected` with CONNECTION_LOST', async () => {
    bot.faults.closeAfterMs = 100;
    const { session, target } = open();
    const ended = new Promise<{ reason: string; error?: ConvaiError }>((resolve) => session.on('disconnected', resolve));
    await session.connect(target, { timeoutMs: 5_000 });
    const event = await ended;
    expect(event.error?.code).toBe('CONNECTION_LOST');
    expect(event.reason).toContain('1011');
    await expect(session.send(encodeMessage({ type: 'user_text_message', data: { text: 'x' } }))).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
    });
  });

  it('ends the session with PROTOCOL_ERROR on an undecodable frame, and closes its socket', async () => {
    bot.faults.garbageAfterMs = 50;
    const { session, target, stats } = open();
    const ended = new Promise<{ reason: string; error?: ConvaiError }>((resolve) => session.on('disconnected', resolve));
    await session.connect(target, { timeoutMs: 5_000 });
    expect((await ended).error?.code).toBe('PROTOCOL_ERROR');
    await until(() => stats()?.open === false, 'socket closed after the protocol error');
  });

  it('ends the session with CONNECTION_LOST on a fatal RTVI error from the bot', async () => {
    bot.faults.fatalErrorAfterMs = 50;
    const { session, target, stats } = open();
    const ended = new Promise<{ reason: string; error?: ConvaiError }>((resolve) => session.on('disconnected', resolve));
    await session.connect(target, { timeoutMs: 5_000 });
    const event = await ended;
    expect(event.error?.code).toBe('CONNECTION_LOST');
    expect(event.error?.message).toContain('fault: fatal error');
    await until(() => stats()?.open === false, 'socket closed after the fatal error');
  });

  it('fails with BOT_READY_TIMEOUT when the bot never sends bot-ready, leaving no socket open', async () => {
    bot.faults.neverReady = true;
    const { session, target, stats } = open({ botReadyTimeoutMs: 300 });
    await expect(session.connect(target, { timeoutMs: 10_000 })).rejects.toMatchObject({
      name: 'TransportError',
      code: 'BOT_READY_TIMEOUT',
      transport: 'websocket',
    });
    expect(stats()?.clientReady).toBe(true);
    await until(() => stats()?.open === false, 'socket closed after the timeout');
  });

  it('uses the overall timeoutMs as the bot-ready bound when no botReadyTimeoutMs is set', async () => {
    bot.faults.neverReady = true;
    const { session, target } = open();
    await expect(session.connect(target, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'BOT_READY_TIMEOUT' });
  });

  it('fails with CONNECT_FAILED on a refused URL', async () => {
    const port = await freePort();
    const { session } = open();
    const error = await session
      .connect({ transport: 'websocket', wsUrl: `ws://127.0.0.1:${port}/ws/x?token=secret-token-123` }, { timeoutMs: 5_000 })
      .catch((e: unknown) => e as ConvaiError);
    expect(error).toMatchObject({ name: 'TransportError', code: 'CONNECT_FAILED' });
    expect(String((error as Error).message)).not.toContain('secret-token-123');
  });

  it.each([
    'ws://127.0.0.1:PORT/ws?session_token=SECRET-session-1',
    'ws://127.0.0.1:PORT/ws?sig=SECRET-sig-1&jwt=SECRET-jwt-1',
    'ws://alice:SECRET-pw-1@127.0.0.1:PORT/ws',
    'ws://127.0.0.1:PORT/ws/SECRETpathtoken0123456789#SECRET-frag',
  ])('keeps every credential-bearing part of %s out of the CONNECT_FAILED message', async (shape) => {
    const port = await freePort();
    const { session } = open();
    const error = await session
      .connect({ transport: 'websocket', wsUrl: shape.replace('PORT', String(port)) }, { timeoutMs: 5_000 })
      .catch((e: unknown) => e as ConvaiError);
    expect(error).toMatchObject({ name: 'TransportError', code: 'CONNECT_FAILED' });
    expect((error as Error).message).toContain(`ws://127.0.0.1:${port}/ws`);
    expect((error as Error).message).not.toContain('SECRET');
  });

  it('fails with CONNECT_TIMEOUT when the upgrade is never answered, and drops the half-open socket', async () => {
    const held = new Set<Socket>();
    const server = createServer((socket) => {
      held.add(socket);
      socket.resume(); // read, or the client's FIN is never noticed
      socket.on('close', () => held.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const { session } = open();
      await expect(
        session.connect({ transport: 'websocket', wsUrl: `ws://127.0.0.1:${port}/ws/x` }, { timeoutMs: 300 }),
      ).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
      await until(() => held.size === 0, 'the pending handshake socket to close');
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('fails with CONNECT_FAILED when the upgrade is answered with 404', async () => {
    const { session } = open();
    await expect(
      session.connect({ transport: 'websocket', wsUrl: `ws://127.0.0.1:${backend.port}/nowhere` }, { timeoutMs: 5_000 }),
    ).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('rejects with AbortedError when aborted while waiting for bot-ready, and closes the socket', async () => {
    bot.faults.neverReady = true;
    const { session, target, stats } = open();
    const controller = new AbortController();
    const pending = session.connect(target, { timeoutMs: 10_000, signal: controller.signal });
    await until(() => stats()?.clientReady, 'client-ready');
    controller.abort(new Error('user cancelled'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortedError', code: 'ABORTED' });
    await until(() => stats()?.open === false, 'socket closed after abort');
  });

  it('rejects an already-aborted signal and a bad wsUrl before any network call', async () => {
    const before = bot.sessions.length;
    const { session, target } = open();
    const controller = new AbortController();
    controller.abort();
    await expect(session.connect(target, { timeoutMs: 1_000, signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    const other = open().session;
    await expect(other.connect({ transport: 'websocket', wsUrl: 'http://127.0.0.1:1/x' }, { timeoutMs: 1_000 })).rejects.toMatchObject(
      { name: 'ConfigError', field: 'wsUrl' },
    );
    expect(bot.sessions.length).toBe(before);
  });

  it('reports MICROPHONE_UNAVAILABLE in Node (no getUserMedia) and still works', async () => {
    const { target } = open();
    const received: string[] = [];
    const session = new PipecatSession((b) => received.push(new TextDecoder().decode(b)), true, { WebSocket: WS });
    const errors: ConvaiError[] = [];
    session.on('error', (e) => errors.push(e));
    await session.connect(target, { timeoutMs: 5_000 });
    expect(errors.map((e) => e.code)).toEqual(['MICROPHONE_UNAVAILABLE']);
    await session.send(encodeMessage({ type: 'user_text_message', data: { text: 'still here' } }));
    await until(() => received.some((r) => r.includes('You said: still here')), 'reply');
    await session.disconnect();
  });
});
