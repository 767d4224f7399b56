import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LaunchedBrowser } from '../support/chromium.js';
import type { PageServer } from '../support/page-server.js';
import type { Coturn } from '../support/coturn.js';
import { startLiveKitStack, type LiveKitStack } from '../support/livekit-stack.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';
import type { ConnectResult } from './pages/livekit-page.js';

/**
 * UDP blocked in the browser (`disable_non_proxied_udp`: only TURN over TCP may
 * carry media). Without TURN/TCP in the join response the LiveKit connect must
 * fail within its timeout with a typed error and leave no peer connection open;
 * with it, the session connects through coturn's TCP listener.
 */

const API_KEY = 'local-api-key';
const debug = process.env['LK_DEBUG'] ? (line: string) => console.log(line) : undefined;
let turn: Coturn;
let pages: PageServer;
let browser: LaunchedBrowser;
let backend: Backend;
let room: LiveKitRoomService;

let stack: LiveKitStack;

beforeAll(async () => {
  stack = await startLiveKitStack({ page: 'test/e2e/pages/livekit-page.ts', readyFlag: 'lkReady', apiKey: API_KEY, chromiumArgs: ['--webrtc-ip-handling-policy=disable_non_proxied_udp'] });
  ({ turn, pages, browser, backend, room } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

async function openPage(): Promise<Page> {
  const page = await browser.browser.newPage();
  if (debug) page.on('console', (m) => debug(`[page] ${m.text()}`));
  await page.goto(pages.url);
  await page.waitForFunction(() => window.lkReady === true);
  return page;
}

function connect(page: Page, config: Record<string, unknown>): Promise<ConnectResult> {
  return page.evaluate((c) => window.lk.connect(c as never), {
    apiKey: API_KEY,
    characterId: 'char-1',
    url: backend.url,
    transport: 'livekit',
    backendRetries: 0,
    ...config,
  });
}

describe('LiveKit with UDP blocked in the browser', () => {
  it('fails within connectTimeoutMs with a typed error when the join response has no TURN/TCP', async () => {
    room.faults.omitTurnTcp = true;
    try {
      const page = await openPage();
      const result = await connect(page, { connectTimeoutMs: 4_000 });
      if (debug) debug(`failed connect (${result.code}) settled after ${Math.round(result.elapsedMs)} ms`);
      expect(result.ok).toBe(false);
      expect(result.name).toBe('TransportError');
      expect(['CONNECT_TIMEOUT', 'CONNECT_FAILED']).toContain(result.code);
      const pcs = await page.evaluate(() => window.lk.peerConnections());
      expect(pcs.created).toBeGreaterThan(0);
      expect(pcs.open).toBe(0);
      expect(await page.evaluate(() => window.lk.state()?.isConnected)).toBe(false);
      // the room saw the join and no media path: its session is closed once the client gives up
      await expect.poll(() => room.stats().roomsOpen, { timeout: 20_000 }).toBe(0);
      await page.close();
    } finally {
      room.faults.omitTurnTcp = false;
    }
  });

  it('connects through the TURN/TCP relay when the join response offers it', async () => {
    const page = await openPage();
    const result = await connect(page, { connectTimeoutMs: 10_000 });
    if (debug) debug(`TCP-relay connect took ${Math.round(result.elapsedMs)} ms`);
    expect(result).toMatchObject({ ok: true });
    const pairs = await page.evaluate(() => window.lk.selectedPairs());
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.every((p) => p.local === 'relay' && p.relayProtocol === 'tcp')).toBe(true);

    const before = await page.evaluate(() => window.lk.messageCount());
    await page.evaluate(() => window.lk.send('over tcp'));
    const reply = await page.evaluate((n) => window.lk.waitForMessage('bot-llm-text', n, 5_000), before);
    expect(reply).toEqual({ type: 'bot-llm-text', data: { text: 'You said: over tcp' } });
    const session = room.stats().sessions.at(-1)!;
    await expect.poll(() => room.micPackets(session.roomName), { timeout: 10_000 }).toBeGreaterThan(0);

    await page.evaluate(() => window.lk.disconnect());
    expect(await page.evaluate(() => window.lk.peerConnections().open)).toBe(0);
    await page.close();
  });
});
