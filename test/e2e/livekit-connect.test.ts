import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectInPage, lkDebug, startLiveKitStack, type LiveKitStack } from '../support/livekit-stack.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';
import type { ConnectResult } from './pages/livekit-page.js';

/**
 * ConvaiClient over LiveKit in real Chromium, against the local backend's room
 * (werift peer) through a real coturn, with Convai's default `relay` policy.
 */

const API_KEY = 'local-api-key';
/** `LK_DEBUG=1` prints the room's log and the page's console. */
const debug = lkDebug;
let backend: Backend;
let room: LiveKitRoomService;

let stack: LiveKitStack;

beforeAll(async () => {
  stack = await startLiveKitStack({ page: 'test/e2e/pages/livekit-page.ts', readyFlag: 'lkReady', apiKey: API_KEY });
  ({ backend, room } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const openPage = (): Promise<Page> => stack.openPage();

const connect = (page: Page, config: Record<string, unknown>): Promise<ConnectResult> =>
  connectInPage<ConnectResult>(page, { apiKey: API_KEY, url: backend.url }, config);

describe('LiveKit transport against the local room', () => {
  it('connects through the coturn relay, gets the bot reply, hears the bot, and the mic reaches the bot', async () => {
    const page = await openPage();
    const result = await connect(page, {});
    if (debug) debug(`relay connect took ${Math.round(result.elapsedMs)} ms`);
    expect(result).toMatchObject({ ok: true });
    const ready = await page.evaluate(() => window.lk.waitForMessage('bot-ready', 0, 5_000));
    expect(ready?.type).toBe('bot-ready');

    const before = await page.evaluate(() => window.lk.messageCount());
    await page.evaluate(() => window.lk.send('hello over webrtc'));
    const reply = await page.evaluate((n) => window.lk.waitForMessage('bot-llm-text', n, 5_000), before);
    expect(reply).toEqual({ type: 'bot-llm-text', data: { text: 'You said: hello over webrtc' } });
    // the bot stops speaking once its tone (300 ms) has been sent
    expect(await page.evaluate((n) => window.lk.waitForMessage('bot-stopped-speaking', n, 5_000), before)).toBeDefined();
    const types = await page.evaluate(() => window.lk.messageTypes());
    expect(types).toEqual(
      expect.arrayContaining(['bot-llm-started', 'bot-llm-stopped', 'bot-started-speaking', 'bot-stopped-speaking']),
    );

    // the bot's reply is spoken on its Opus track: a 440 Hz tone at peak 0.25 reaches the page
    // (livekit-client subscribed to the bot's announced track and the client re-emitted it)
    await expect.poll(() => page.evaluate(() => window.lk.botPeak()), { timeout: 10_000 }).toBeGreaterThan(0.1);
    expect(await page.evaluate(() => window.lk.botPeak())).toBeLessThan(0.5);
    expect(await page.evaluate(() => window.lk.botTracks())).toEqual(['audio']);
    expect(room.stats().sessions.at(-1)?.botAudioPackets).toBeGreaterThanOrEqual(15);

    // policy 'relay': the selected pair's local side is a relay candidate on coturn
    const pairs = await page.evaluate(() => window.lk.selectedPairs());
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.every((p) => p.local === 'relay')).toBe(true);

    const session = room.stats().sessions.at(-1);
    expect(session?.dataMessagesReceived).toBeGreaterThanOrEqual(1);
    const micWaitStarted = Date.now();
    await expect.poll(() => room.micPackets(session!.roomName), { timeout: 10_000 }).toBeGreaterThan(0);
    if (debug) debug(`first mic RTP at the room after ${Date.now() - micWaitStarted} ms of waiting`);
    expect(room.stats().roomsOpen).toBe(1);

    // audioControls.setAudioDevice: the published mic moves to another (fake) device and RTP goes on
    const switched = await page.evaluate(() => window.lk.switchMic());
    expect(switched.chosen).not.toBe('');
    expect(switched.capturing).toBe(switched.chosen);
    const packets = room.micPackets(session!.roomName);
    await expect.poll(() => room.micPackets(session!.roomName), { timeout: 10_000 }).toBeGreaterThan(packets + 10);

    await page.evaluate(() => window.lk.disconnect());
    expect(await page.evaluate(() => window.lk.peerConnections().open)).toBe(0);
    await expect.poll(() => room.stats().roomsOpen, { timeout: 5_000 }).toBe(0);
    expect(room.stats().sessions.at(-1)?.closeReason).toMatch(/client left|socket closed/);
    await page.close();
  });

  it('refuses a wrong API key at /connect with a clear error', async () => {
    const page = await openPage();
    const result = await connect(page, { apiKey: 'wrong-key' });
    expect(result).toMatchObject({ ok: false, code: 'BACKEND_REJECTED' });
    expect(result.message).toContain('401');
    expect(result.message).not.toContain('wrong-key');
    await page.close();
  });

  it('surfaces a token the room refuses as a clear error, and leaves nothing open', async () => {
    // a backend whose /connect hands out a token signed with another secret
    const foreign = createLiveKitRoom({ apiKey: 'lk-key', apiSecret: 'another-secret-0123456789-0123456789', iceServers: [] });
    const badToken = await foreign.issueToken('room-x', 'mallory');
    await foreign.close();
    const liar = await startBackend({
      apiKey: API_KEY,
      services: [room],
      interceptConnect: (_req, res) => {
        const body = JSON.stringify({ character_session_id: 's1', room_url: `ws://127.0.0.1:${backend.port}`, token: badToken });
        res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
        res.end(body);
        return true;
      },
    });
    const rejectedBefore = room.stats().rejectedTokens;
    try {
      const page = await openPage();
      const result = await connect(page, { url: liar.url, connectTimeoutMs: 8_000 });
      expect(result).toMatchObject({ ok: false, code: 'CONNECT_FAILED' });
      expect(result.message).toContain('invalid token: signature is invalid');
      expect(result.message).not.toContain(badToken);
      // the upgrade and the validate call were both refused
      expect(room.stats().rejectedTokens - rejectedBefore).toBe(2);
      expect(await page.evaluate(() => window.lk.peerConnections().open)).toBe(0);
      await page.close();
    } finally {
      await liar.stop().catch(() => undefined);
    }
  });

  it('fails with a clear error when the LiveKit server itself is down, and leaves nothing open', async () => {
    const token = await room.issueToken('room-down', 'alice');
    const deadRoom = await startBackend({
      apiKey: API_KEY,
      interceptConnect: (_req, res) => {
        // port 9 (discard) on loopback: nothing listens, the upgrade is refused at once
        const body = JSON.stringify({ character_session_id: 's2', room_url: 'ws://127.0.0.1:9', token });
        res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
        res.end(body);
        return true;
      },
    });
    try {
      const page = await openPage();
      const result = await connect(page, { url: deadRoom.url, connectTimeoutMs: 8_000 });
      expect(result).toMatchObject({ ok: false, code: 'CONNECT_FAILED' });
      expect(result.message).toMatch(/could not establish signal connection/);
      expect(result.message).not.toContain(token);
      expect(await page.evaluate(() => window.lk.peerConnections().open)).toBe(0);
      await page.close();
    } finally {
      await deadRoom.stop();
    }
  });

  it('fails fast when the backend is down, without hanging', async () => {
    const page = await openPage();
    const result = await connect(page, { url: 'http://127.0.0.1:9', requestTimeoutMs: 3_000 });
    expect(result).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    expect(await page.evaluate(() => window.lk.peerConnections().created)).toBe(0);
    await page.close();
  });
});
