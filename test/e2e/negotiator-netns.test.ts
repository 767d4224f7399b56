import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { createNetns, type Netns } from '../support/netns.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';
import { createPipecatBot } from '../../examples/backend/pipecat-bot.js';
import type { RunOutcome } from './pages/negotiator-page.js';

/**
 * UDP silently dropped for real: Chromium runs in a network namespace whose veth
 * drops every UDP packet (nft netdev, like a firewall that never answers). coturn,
 * the backend and the page server listen on the namespace's root-side address.
 * Nothing here uses an address outside loopback and the namespace's own /30.
 */

const API_KEY = 'sk-netns-e2e-0123456789';
let ns: Netns;
let turn: Coturn;
let pages: PageServer;
let backend: Backend;
let room: LiveKitRoomService;
let browser: LaunchedBrowser;

beforeAll(async () => {
  ns = await createNetns({ drop: ['udp'] });
  turn = await startCoturn({ host: ns.rootIp });
  pages = await startPageServer({ entries: { app: 'test/e2e/pages/negotiator-page.ts' }, host: ns.rootIp });
  room = createLiveKitRoom({
    apiKey: 'lk-key',
    apiSecret: 'lk-secret-that-is-long-enough-0123456789',
    iceServers: [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: turn.password }],
    extraPeerAddresses: [ns.rootIp],
  });
  backend = await startBackend({
    apiKey: API_KEY,
    host: ns.rootIp,
    // Convai's shape: the negotiator learns the TURN servers from the room's join response,
    // which names TURN/TCP or not per case (`omitTurnTcp`)
    services: [room, createPipecatBot()],
  });
  // the page's origin is not loopback, so not a secure context: no getUserMedia without this
  const origin = pages.url.replace(/\/$/, '');
  browser = await launchChromium({
    executablePath: ns.chromiumPath,
    excludeHosts: [ns.rootIp],
    args: [`--unsafely-treat-insecure-origin-as-secure=${origin}`],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  await pages?.stop();
  await turn?.stop();
  await ns?.close();
});

async function openPage(): Promise<Page> {
  const page = await browser.browser.newPage();
  await page.goto(pages.url);
  await page.waitForFunction(() => window.negReady === true);
  return page;
}

function run(page: Page, deadlineMs: number): Promise<RunOutcome> {
  return page.evaluate(
    (c) => window.neg.run(c as never),
    {
      apiKey: API_KEY,
      characterId: 'char-netns',
      url: backend.url,
      backendRetries: 0,
      connectTimeoutMs: 10_000,
      negotiation: { cache: false, probeDeadlineMs: deadlineMs },
    },
  );
}

describe('negotiator behind a real silent UDP drop', () => {
  it('no TURN/TCP: WebSocket (provisionally) at the probe deadline, converses, and leaves nothing open', async () => {
    room.faults.omitTurnTcp = true;
    const page = await openPage();
    const chunksBefore = pages.requests.filter((p) => /\/websocket-[\w-]+\.js$/.test(p)).length;
    const outcome = await run(page, 1_000);
    // silence, not an answer: WebSocket now, while the LiveKit attempt goes on (it cannot get through)
    expect(outcome).toMatchObject({ ok: true, transport: 'websocket', verdict: 'websocket', provisional: true, iceServerSource: 'session' });
    expect(outcome.reasons).toContain('UDP_BLOCKED');
    // a correctness bound, not a speed target: our deadline decided, not Chromium's
    // ~40 s STUN give-up (docs/ARCHITECTURE.md, "Chromium")
    expect(outcome.timings?.['probeMs']).toBeLessThan(1_000 + 5_000);
    expect(pages.requests.filter((p) => /\/websocket-[\w-]+\.js$/.test(p)).length).toBe(chunksBefore + 1);
    expect(await page.evaluate(() => window.neg.converse('through the firewall'))).toBe('You said: through the firewall');
    expect(await page.evaluate(() => window.neg.now().transport)).toBe('websocket');
    // disconnect() ends the background LiveKit attempt with the session
    await page.evaluate(() => window.neg.disconnect());
    expect(await page.evaluate(() => window.neg.peerConnections().open)).toBe(0);
    await page.close();
  });

  it('abort while the WebSocket fallback is ready but not in use (silence, before the deadline): ABORTED, every session closed', async () => {
    room.faults.omitTurnTcp = true;
    const page = await openPage();
    const before = backend.connectCount.websocket;
    // silence for half the (scaled) deadline readies the fallback; abort 100 ms later, before the verdict
    const outcome = await page.evaluate(
      (c) => window.neg.runAbortingAt(c as never, 'loading-fallback', 100),
      { apiKey: API_KEY, characterId: 'char-netns', url: backend.url, backendRetries: 0, connectTimeoutMs: 10_000, negotiation: { cache: false, probeDeadlineMs: 2_000 } },
    );
    expect(outcome).toMatchObject({ ok: false, code: 'ABORTED', aborted: true });
    expect(outcome.phases).not.toContain('verdict');
    // the fallback may have made its WebSocket session already: if so, it was closed with the rest
    expect(backend.connectCount.websocket).toBeLessThanOrEqual(before + 1);
    await expect.poll(() => page.evaluate(() => ({ pcs: window.neg.peerConnections().open, sockets: window.neg.openSockets() })), { timeout: 5_000 }).toEqual({ pcs: 0, sockets: 0 });
    await page.close();
  });

  it('TURN/TCP reachable: stays on WebRTC through the TCP relay and converses', async () => {
    room.faults.omitTurnTcp = false;
    const page = await openPage();
    const outcome = await run(page, 3_000);
    expect(outcome.fallback).toBeUndefined();
    expect(outcome).toMatchObject({ ok: true, transport: 'livekit' });
    // the probe may or may not have finished before LiveKit connected over the TCP relay
    if (outcome.verdict) expect(outcome).toMatchObject({ verdict: 'webrtc-relay-tcp', reasons: expect.arrayContaining(['TURN_TCP_ONLY']) });
    expect(await page.evaluate(() => window.neg.converse('tcp relay in netns'))).toBe('You said: tcp relay in netns');
    await page.evaluate(() => window.neg.disconnect());
    await page.close();
  });
});
