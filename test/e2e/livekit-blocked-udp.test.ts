import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectInPage, lkDebug, startLiveKitStack, type LiveKitStack } from '../support/livekit-stack.js';
import type { Backend } from '../../examples/backend/server.js';
import type { LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';
import type { ConnectResult } from './pages/livekit-page.js';

/**
 * UDP blocked in the browser (`disable_non_proxied_udp`: only TURN over TCP may
 * carry media). Without TURN/TCP in the join response the LiveKit connect must
 * fail within its timeout with a typed error and leave no peer connection open;
 * with it, the session connects through coturn's TCP listener.
 */

const API_KEY = 'local-api-key';
const debug = lkDebug;
let backend: Backend;
let room: LiveKitRoomService;

let stack: LiveKitStack;

beforeAll(async () => {
  stack = await startLiveKitStack({ page: 'test/e2e/pages/livekit-page.ts', readyFlag: 'lkReady', apiKey: API_KEY, chromiumArgs: ['--webrtc-ip-handling-policy=disable_non_proxied_udp'] });
  ({ backend, room } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const openPage = (): Promise<Page> => stack.openPage();

const connect = (page: Page, config: Record<string, unknown>): Promise<ConnectResult> =>
  connectInPage<ConnectResult>(page, { apiKey: API_KEY, url: backend.url }, config);

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
