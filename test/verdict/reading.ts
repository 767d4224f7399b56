import type { Page } from 'playwright-core';
import type { VerdictRunOutcome } from './verdict-page.js';

/** The transport `auto`'s conversation is on 10 s after connect, and how it got there. */
export interface VerdictReading {
  /** The transport at the reading. A quick reading stops as soon as it is LiveKit. */
  readonly transport: string | undefined;
  /** Since connect resolved. */
  readonly atMs: number;
  /** A background upgrade moved the conversation from WebSocket to LiveKit. */
  readonly upgraded: boolean;
  /** From the `connectConvai` call to the conversation being on LiveKit (connect or upgrade). */
  readonly timeToWebrtcMs?: number;
  /** After an upgrade: the bot's echo came back over LiveKit. */
  readonly conversedAfterUpgrade?: boolean;
}

/** The reading is taken this long after connect resolved. */
export const READING_AT_MS = 10_000;

/**
 * Waits until `READING_AT_MS` after connect (`quick`: or until the conversation is on
 * LiveKit), then reads what the page's client is on. After an upgrade it converses once
 * more, so "on LiveKit" means a conversation that works there, not only a connected room.
 */
export async function readTransport(
  page: Page,
  outcome: VerdictRunOutcome,
  options: { readonly quick: boolean; readonly converseTimeoutMs: number; readonly text: string },
): Promise<VerdictReading> {
  await page.waitForFunction(
    ([at, quick]) => {
      const n = window.verdictPage.now();
      return n.sinceConnectMs >= at || (quick && n.transport === 'livekit');
    },
    [READING_AT_MS, options.quick] as const,
    { timeout: READING_AT_MS + 30_000, polling: 100 },
  );
  const now = await page.evaluate(() => window.verdictPage.now());
  const upgraded = now.phases.includes('upgrade');
  const timeToWebrtcMs = outcome.transport === 'livekit' ? outcome.connectMs : now.transport === 'livekit' ? now.upgradeAtMs : undefined;
  let conversedAfterUpgrade: boolean | undefined;
  if (upgraded && now.transport === 'livekit') {
    const reply = await page.evaluate(([s, ms]) => window.verdictPage.converse(s, ms), [options.text, options.converseTimeoutMs] as const);
    conversedAfterUpgrade = reply === `You said: ${options.text}`;
  }
  return {
    transport: now.transport,
    atMs: now.sinceConnectMs,
    upgraded,
    ...(timeToWebrtcMs !== undefined ? { timeToWebrtcMs } : {}),
    ...(conversedAfterUpgrade !== undefined ? { conversedAfterUpgrade } : {}),
  };
}
