import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';
import { createPipecatBot, type PipecatBot } from '../../examples/backend/pipecat-bot.js';
import type { RunOutcome } from './pages/negotiator-page.js';

/**
 * transport: 'auto' end to end: real Chromium, real coturn, the local backend's
 * LiveKit room (werift) and Pipecat bot. The page is bundled with code splitting, so
 * the WebSocket module is a chunk the browser must request: the network log shows
 * whether the fallback was loaded.
 */

const API_KEY = 'sk-negotiator-e2e-0123456789';
let turn: Coturn;
let pages: PageServer;
let backend: Backend;
let room: LiveKitRoomService;
let bot: PipecatBot;

beforeAll(async () => {
  turn = await startCoturn();
  pages = await startPageServer({ entries: { app: 'test/e2e/pages/negotiator-page.ts' } });
  const iceServers = [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: turn.password }];
  room = createLiveKitRoom({ apiKey: 'lk-key', apiSecret: 'lk-secret-that-is-long-enough-0123456789', iceServers });
  bot = createPipecatBot();
  // Convai's shape: `/connect` names no ICE servers; the negotiator tests the TURN
  // servers the LiveKit session receives in its join response
  backend = await startBackend({ apiKey: API_KEY, services: [room, bot] });
});

afterAll(async () => {
  await backend?.stop();
  await pages?.stop();
  await turn?.stop();
});

let browser: LaunchedBrowser | undefined;
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  room.faults.omitTurnTcp = false;
  room.faults.withholdAnswer = false;
  room.faults.delayJoinMs = undefined;
});

async function openPage(args: string[] = []): Promise<Page> {
  browser = await launchChromium({ args });
  const page = await browser.browser.newPage();
  await page.goto(pages.url);
  await page.waitForFunction(() => window.negReady === true);
  return page;
}

const websocketChunkRequests = (): string[] => pages.requests.filter((p) => /\/websocket-[\w-]+\.js$/.test(p));

function run(page: Page, config: Record<string, unknown> = {}, transport?: 'auto' | 'livekit' | 'websocket'): Promise<RunOutcome> {
  return page.evaluate(
    ([c, t]) => window.neg.run(c as never, t ? { transport: t as never } : {}),
    [
      {
        apiKey: API_KEY,
        characterId: 'char-e2e',
        url: backend.url,
        backendRetries: 0,
        connectTimeoutMs: 8_000,
        negotiation: { cache: false, probeDeadlineMs: 1_500 },
        ...config,
      },
      transport,
    ] as const,
  );
}

describe('negotiator in Chromium', () => {
  it('healthy network: picks LiveKit, converses, and never requests the WebSocket chunk', async () => {
    const page = await openPage();
    const before = websocketChunkRequests().length;
    const outcome = await run(page);
    expect(outcome).toMatchObject({ ok: true, transport: 'livekit', iceServerSource: 'session' });
    // the LiveKit connect starts first; the probe, on the join's TURN servers, runs beside it
    expect(outcome.phases).toEqual(['connecting', 'probing', 'verdict', 'connected']);
    expect(await page.evaluate(() => window.neg.converse('hello over webrtc'))).toBe('You said: hello over webrtc');
    expect(websocketChunkRequests().length).toBe(before);
    // one LiveKit session on the backend, none on the bot: healthy networks pay nothing extra
    await page.evaluate(() => window.neg.disconnect());
    expect(await page.evaluate(() => window.neg.peerConnections().open)).toBe(0);
  });

  it('UDP blocked in the browser, no TURN/TCP: WebSocket on the host hint, the probe confirms it and the LiveKit attempt is closed; converses', async () => {
    room.faults.omitTurnTcp = true;
    const page = await openPage(['--webrtc-ip-handling-policy=disable_non_proxied_udp']);
    const before = websocketChunkRequests().length;
    const livekitBefore = room.stats().sessions.length;
    const outcome = await run(page);
    // no host candidate and no TURN over TCP in the join: WebSocket at once, provisionally
    expect(outcome).toMatchObject({ ok: true, transport: 'websocket', provisional: true, reasons: ['NO_UDP_HOST_CANDIDATES'], iceServerSource: 'session' });
    expect(outcome.phases).toContain('probing');
    expect(outcome.phases.slice(-3)).toEqual(['verdict', 'connecting', 'connected']);
    expect(outcome.phases.indexOf('loading-fallback')).toBeLessThan(outcome.phases.indexOf('verdict'));
    expect(websocketChunkRequests().length).toBe(before + 1);
    expect(await page.evaluate(() => window.neg.converse('hello over websocket'))).toBe('You said: hello over websocket');
    // the probe goes on: the browser refuses every candidate (an answer, not silence), so the
    // LiveKit attempt is closed well before its own 8 s timeout and no upgrade follows. A
    // correctness bound, not a speed target (the probe deadline is 1.5 s)
    await page.waitForFunction(() => window.neg.peerConnections().open === 0, undefined, { timeout: 5_000 });
    const now = await page.evaluate(() => window.neg.now());
    expect(now).toMatchObject({ transport: 'websocket', phases: [] });
    expect(room.stats().sessions.length - livekitBefore).toBeLessThanOrEqual(1);
    expect(await page.evaluate(() => window.neg.converse('still over websocket'))).toBe('You said: still over websocket');
    await page.evaluate(() => window.neg.disconnect());
  });

  it('host addresses hidden (default_public_interface_only), TURN/UDP works: WebSocket on the hint, then the conversation moves to LiveKit', async () => {
    room.faults.omitTurnTcp = true;
    const page = await openPage(['--webrtc-ip-handling-policy=default_public_interface_only']);
    const outcome = await run(page);
    // looks like a browser that refuses UDP: no host candidate, no TURN over TCP
    expect(outcome).toMatchObject({ ok: true, transport: 'websocket', provisional: true, reasons: ['NO_UDP_HOST_CANDIDATES'] });
    expect(await page.evaluate(() => window.neg.converse('before the upgrade'))).toBe('You said: before the upgrade');
    // the probe finds the relay and the LiveKit attempt connects: the conversation moves
    await page.waitForFunction(() => window.neg.now().transport === 'livekit', undefined, { timeout: 10_000 });
    const now = await page.evaluate(() => window.neg.now());
    expect(now.phases).toEqual(['upgrade', 'connected']);
    expect(now.reasons).toEqual(['UPGRADED_TO_WEBRTC', 'NO_UDP_HOST_CANDIDATES']);
    expect(await page.evaluate(() => window.neg.converse('after the upgrade'))).toBe('You said: after the upgrade');
    await page.evaluate(() => window.neg.disconnect());
    expect(await page.evaluate(() => window.neg.peerConnections().open)).toBe(0);
  });

  it('UDP blocked, TURN/TCP offered: stays on WebRTC over the TCP relay', async () => {
    const page = await openPage(['--webrtc-ip-handling-policy=disable_non_proxied_udp']);
    const outcome = await run(page);
    expect(outcome).toMatchObject({ ok: true, transport: 'livekit' });
    expect(await page.evaluate(() => window.neg.converse('tcp relay'))).toBe('You said: tcp relay');
    await page.evaluate(() => window.neg.disconnect());
  });

  it('good probe, LiveKit connect fails: falls back once, resumes the session, says why', async () => {
    room.faults.withholdAnswer = true;
    const page = await openPage();
    const outcome = await run(page, { connectTimeoutMs: 3_000 });
    expect(outcome).toMatchObject({ ok: true, transport: 'websocket', verdict: 'webrtc' });
    expect(outcome.provisional).toBeUndefined();
    expect(outcome.fallback?.from).toBe('livekit');
    expect(['CONNECT_TIMEOUT', 'CONNECT_FAILED']).toContain(outcome.fallback?.code);
    expect(outcome.reasons).toContain('LIVEKIT_CONNECT_FAILED');
    // the chunk is prefetched at the failure, the first evidence of trouble
    expect(outcome.phases).toEqual(['connecting', 'probing', 'loading-fallback', 'fallback', 'connecting', 'connected']);
    // the WebSocket session resumed the id the LiveKit answer created
    const livekitRooms = room.stats().sessions.map((s) => s.roomName);
    expect(outcome.characterSessionId).toBeTruthy();
    expect(livekitRooms).toContain(`convai-${outcome.characterSessionId}`);
    expect(bot.sessions.at(-1)?.id).toBe(outcome.characterSessionId);
    expect(await page.evaluate(() => window.neg.converse('after fallback'))).toBe('You said: after fallback');
    expect(await page.evaluate(() => window.neg.peerConnections().open)).toBe(0);
    await page.evaluate(() => window.neg.disconnect());
  });

  it('slow signalling (no evidence in time): WebSocket provisionally, then the conversation moves to LiveKit mid-session', async () => {
    room.faults.delayJoinMs = 2_500;
    const page = await openPage();
    const sessionsBefore = room.stats().sessions.length;
    const outcome = await run(page, { negotiation: { cache: false, probeDeadlineMs: 400 } });
    expect(outcome).toMatchObject({ ok: true, transport: 'websocket', provisional: true, reasons: ['WEBRTC_TIMEOUT'] });
    expect(await page.evaluate(() => window.neg.converse('before the upgrade'))).toBe('You said: before the upgrade');
    await page.waitForFunction(() => window.neg.now().transport === 'livekit', undefined, { timeout: 10_000 });
    const now = await page.evaluate(() => window.neg.now());
    expect(now.phases).toEqual(['upgrade', 'connected']);
    expect(now.reasons[0]).toBe('UPGRADED_TO_WEBRTC');
    // the same conversation: the next reply comes over LiveKit (the WebSocket session is closed)
    expect(await page.evaluate(() => window.neg.converse('after the upgrade'))).toBe('You said: after the upgrade');
    const lk = room.stats().sessions.slice(sessionsBefore);
    expect(lk.length).toBe(1);
    expect(lk[0]!.dataMessagesReceived).toBeGreaterThanOrEqual(1);
    expect(bot.sessions.at(-1)?.id).toBeTruthy();
    expect(lk[0]!.roomName).toBe(`convai-${bot.sessions.at(-1)?.id}`);
    await page.evaluate(() => window.neg.disconnect());
    expect(await page.evaluate(() => window.neg.peerConnections().open)).toBe(0);
  });

  it('forced websocket through connectConvai needs no side-effect import', async () => {
    const page = await openPage();
    const outcome = await run(page, {}, 'websocket');
    expect(outcome).toMatchObject({ ok: true, transport: 'websocket', reasons: ['FORCED'] });
    expect(outcome.phases).toEqual(['loading-fallback', 'connecting', 'connected']);
    expect(await page.evaluate(() => window.neg.converse('forced'))).toBe('You said: forced');
    await page.evaluate(() => window.neg.disconnect());
  });

  it('ConvaiClient used directly with websocket and nothing imported: the exact seed error, no network call', async () => {
    const page = await openPage();
    const before = { ...backend.connectCount };
    const outcome = await page.evaluate(
      (c) => window.neg.connectDirect(c as never),
      { apiKey: API_KEY, characterId: 'c', url: backend.url, transport: 'websocket' },
    );
    expect(outcome).toEqual({
      ok: false,
      code: 'WEBSOCKET_NOT_REGISTERED',
      message: "[ConvaiClient] WebSocket transport is not registered.\nAdd `import 'convai-transport/vanilla/websocket'` before calling connect().",
    });
    expect(backend.connectCount).toEqual(before);
  });
});
