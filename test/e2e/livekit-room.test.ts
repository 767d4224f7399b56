import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startLiveKitStack, type LiveKitStack } from '../support/livekit-stack.js';
import type { Backend } from '../../examples/backend/server.js';
import type { LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';

/**
 * livekit-client 2.23 by itself (no ConvaiClient) in real Chromium against the
 * local room: the room must be a LiveKit server as far as the SDK can tell.
 */

let backend: Backend;
let room: LiveKitRoomService;

let stack: LiveKitStack;

beforeAll(async () => {
  stack = await startLiveKitStack({ page: 'test/e2e/pages/livekit-room-page.ts', readyFlag: 'lkRoomReady', apiKey: 'k' });
  ({ backend, room } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const openPage = (): Promise<Page> => stack.openPage();

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
