import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LaunchedBrowser } from '../support/chromium.js';
import type { PageServer } from '../support/page-server.js';
import type { Coturn } from '../support/coturn.js';
import { startLiveKitStack, type LiveKitStack } from '../support/livekit-stack.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';

/**
 * livekit-client 2.23 by itself (no ConvaiClient) in real Chromium against the
 * local room: the room must be a LiveKit server as far as the SDK can tell.
 */

const debug = process.env['LK_DEBUG'] ? (line: string) => console.log(line) : undefined;
let turn: Coturn;
let pages: PageServer;
let browser: LaunchedBrowser;
let backend: Backend;
let room: LiveKitRoomService;

let stack: LiveKitStack;

beforeAll(async () => {
  stack = await startLiveKitStack({ page: 'test/e2e/pages/livekit-room-page.ts', readyFlag: 'lkRoomReady', apiKey: 'k' });
  ({ turn, pages, browser, backend, room } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

async function openPage(): Promise<Page> {
  const page = await browser.browser.newPage();
  if (debug) page.on('console', (m) => debug(`[page] ${m.text()}`));
  await page.goto(pages.url);
  await page.waitForFunction(() => window.lkRoomReady === true);
  return page;
}

const wsUrl = (): string => `ws://127.0.0.1:${backend.port}`;

describe('local LiveKit room with livekit-client alone', () => {
  it('joins over relay, echoes data, counts mic RTP, and cleans up on leave', async () => {
    const page = await openPage();
    const token = await room.issueToken('room-a', 'alice');
    const joined = await page.evaluate(([u, t]) => window.lkRoom.join(u!, t!, 'relay'), [wsUrl(), token]);
    expect(joined).toEqual({ ok: true });
    await expect.poll(() => page.evaluate(() => window.lkRoom.received()), { timeout: 5_000 }).toContain(
      JSON.stringify({ type: 'bot-ready', data: {} }),
    );

    await page.evaluate(() =>
      window.lkRoom.publishData(JSON.stringify({ type: 'user_text_message', data: { text: 'hi' } })),
    );
    await expect.poll(() => page.evaluate(() => window.lkRoom.received()), { timeout: 5_000 }).toContain(
      JSON.stringify({ type: 'bot-llm-text', data: { text: 'You said: hi' } }),
    );

    await page.evaluate(() => window.lkRoom.enableMic());
    await expect.poll(() => room.micPackets('room-a'), { timeout: 10_000 }).toBeGreaterThan(0);
    const session = room.stats().sessions.find((s) => s.roomName === 'room-a');
    expect(session).toMatchObject({ identity: 'alice', tracksPublished: 1, dataMessagesReceived: 1 });
    expect(session!.offersAnswered).toBeGreaterThanOrEqual(2);

    await page.evaluate(() => window.lkRoom.leave());
    await expect.poll(() => room.stats().roomsOpen, { timeout: 5_000 }).toBe(0);
    await page.close();
  });
});
