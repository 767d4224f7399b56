import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startPageServer, type PageServer } from '../support/page-server.js';

// The bot-audio player in Chromium's real Web Audio: frames createBuffer refuses are
// dropped, not thrown, and the queue of scheduled audio is bounded.

let pages: PageServer;
let browser: LaunchedBrowser;
let page: Page;

beforeAll(async () => {
  pages = await startPageServer({ entries: { app: 'test/e2e/pages/audio-player-page.ts' } });
  browser = await launchChromium();
  page = await browser.browser.newPage();
  await page.goto(pages.url);
  await page.waitForFunction(() => window.audioPlayerReady === true);
});

afterAll(async () => {
  await page?.evaluate(() => window.audioPlayer.close()).catch(() => undefined);
  await browser?.close();
  await pages?.stop();
});

describe('AudioPlayer (bot audio) in Chromium', () => {
  it('drops degenerate frames (a 2-byte stereo frame, odd rates, bad channel counts) without throwing', async () => {
    await page.evaluate(() => window.audioPlayer.open());
    const thrown = await page.evaluate(() => [
      window.audioPlayer.play(1, 16_000, 2), // one sample, two channels: zero frames
      window.audioPlayer.play(160, 1_000, 1), // below Web Audio's 3 kHz minimum
      window.audioPlayer.play(160, 16_000, 0),
      window.audioPlayer.play(160, 16_000, 33),
      window.audioPlayer.play(160, Number.NaN, 1),
    ]);
    expect(thrown).toEqual([undefined, undefined, undefined, undefined, undefined]);
    const stats = await page.evaluate(() => window.audioPlayer.stats());
    expect(stats).toMatchObject({ droppedFrames: 5, scheduledFrames: 0 });
    // a good frame still plays after them
    expect(await page.evaluate(() => window.audioPlayer.play(1_600, 16_000, 1))).toBeUndefined();
    expect((await page.evaluate(() => window.audioPlayer.stats())).scheduledFrames).toBe(1);
    await page.evaluate(() => window.audioPlayer.close());
  });

  it('bounds the queued audio: frames past the bound are dropped', async () => {
    await page.evaluate(() => window.audioPlayer.open(2));
    // 5 s of 100 ms frames, far faster than real time (a bot that floods, or a stalled context)
    await page.evaluate(() => {
      for (let i = 0; i < 50; i++) window.audioPlayer.play(1_600, 16_000, 1);
    });
    const stats = await page.evaluate(() => window.audioPlayer.stats());
    expect(stats.queuedSeconds).toBeLessThanOrEqual(2.1);
    expect(stats.droppedFrames).toBeGreaterThanOrEqual(28);
    expect(stats.scheduledFrames + stats.droppedFrames).toBe(50);
    await page.evaluate(() => window.audioPlayer.close());
  });
});
