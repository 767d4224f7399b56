import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createPipecatBot, type PipecatBot, type PipecatBotSessionStats } from '../../examples/backend/pipecat-bot.js';
import type { ConnectResult, Leftovers } from './pages/websocket-page.js';

/**
 * ConvaiClient over the WebSocket (Pipecat) transport in real Chromium with a fake
 * mic, against the local backend's Pipecat bot: real protobuf frames, real audio
 * capture through our worklet, nothing off loopback.
 */

const API_KEY = 'local-api-key';
const debug = process.env['WS_DEBUG'] ? (line: string) => console.log(line) : undefined;
let pages: PageServer;
let browser: LaunchedBrowser;
let backend: Backend;
let bot: PipecatBot;

beforeAll(async () => {
  pages = await startPageServer({ entries: { app: 'test/e2e/pages/websocket-page.ts' } });
  bot = createPipecatBot({ toneMs: 200, ...(debug ? { log: debug } : {}) });
  backend = await startBackend({ apiKey: API_KEY, services: [bot] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  await pages?.stop();
});

async function openPage(): Promise<Page> {
  const page = await browser.browser.newPage();
  if (debug) page.on('console', (m) => debug(`[page] ${m.text()}`));
  await page.goto(pages.url);
  await page.waitForFunction(() => window.wsReady === true);
  return page;
}

function connect(page: Page, config: Record<string, unknown> = {}): Promise<ConnectResult> {
  return page.evaluate((c) => window.ws.connect(c as never), {
    apiKey: API_KEY,
    characterId: 'char-1',
    url: backend.url,
    transport: 'websocket',
    ...config,
  });
}

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const newest = (): PipecatBotSessionStats | undefined => bot.sessions[bot.sessions.length - 1];

async function expectNothingOpen(page: Page): Promise<Leftovers> {
  const left = await until(async () => {
    const l = await page.evaluate(() => window.ws.leftovers());
    return l.openAudioContexts === 0 && l.liveMicTracks === 0 && l.openSockets === 0 ? l : false;
  }, 'every AudioContext, mic track and socket to close');
  await until(() => bot.connectedCount === 0, 'the bot to see the socket close');
  return left;
}

describe('ConvaiClient over WebSocket (Pipecat) in Chromium', () => {
  it('connects, round-trips a text, streams mic audio, plays bot audio, and leaves nothing open', async () => {
    const page = await openPage();
    try {
      const before = bot.sessions.length;
      expect(await connect(page)).toEqual({ ok: true });
      const stats = await until(() => bot.sessions.length > before && newest(), 'a bot session');
      expect(stats.clientReady).toBe(true);

      await page.evaluate(() => window.ws.send('hello from chromium'));
      expect(await page.evaluate(() => window.ws.waitForChat('You said: hello from chromium', 5_000))).toBe(true);
      expect(stats.texts).toEqual(['hello from chromium']);
      // the bot's 24 kHz tone (peak 0.25) is played and mirrored on the bot track
      // Each reply carries a short tone. The player's AudioContext is resumed without
      // awaiting it (a page without a user gesture must not hang connect), so on a loaded
      // machine the first tone can pass before the context runs: ask again, a few times.
      let asked = 0;
      let lastAsk = Date.now();
      const peak = await until(async () => {
        const p = await page.evaluate(() => window.ws.botPeak());
        if (p > 0.1) return p;
        if (Date.now() - lastAsk > 2_000 && asked < 4) {
          asked += 1;
          lastAsk = Date.now();
          await page.evaluate((n) => window.ws.send(`tone please ${n}`), asked);
        }
        return false;
      }, 'bot audio on the bot track', 15_000);
      expect(peak).toBeLessThan(0.5);

      // the fake mic's audio reaches the bot as 16 kHz PCM16 frames of 256 samples
      await until(() => stats.micFrames >= 20, 'mic frames at the bot');
      expect(stats.micSampleRate).toBe(16_000);
      expect(stats.micBytes).toBe(stats.micFrames * 512);
      expect(await page.evaluate(() => window.ws.botTracks())).toEqual(['audio']);
      expect(await page.evaluate(() => window.ws.capture())).toEqual({ workletNodes: 1, scriptProcessors: 0 });
      const errors = await page.evaluate(() => window.ws.errors());
      expect(errors).toEqual([]);

      await page.evaluate(() => window.ws.disconnect());
      const left = await expectNothingOpen(page);
      expect(left.audioContexts).toBe(2); // one capture (16 kHz), one playback
      expect(left.micTracks).toBe(1);
      expect(stats.closeCode).toBe(1000);
    } finally {
      await page.close();
    }
  });

  it('with startWithAudioOn: false opens the mic but sends nothing until unmuted', async () => {
    const page = await openPage();
    try {
      const before = bot.sessions.length;
      expect(await connect(page, { startWithAudioOn: false })).toEqual({ ok: true });
      const stats = await until(() => bot.sessions.length > before && newest(), 'a bot session');
      // a text round trip proves the session is live, and gives the mic time to run
      await page.evaluate(() => window.ws.send('muted?'));
      expect(await page.evaluate(() => window.ws.waitForChat('You said: muted?', 5_000))).toBe(true);
      await page.waitForTimeout(500);
      expect((await page.evaluate(() => window.ws.leftovers())).liveMicTracks).toBe(1);
      expect(stats.micFrames).toBe(0);

      await page.evaluate(() => window.ws.unmute());
      await until(() => stats.micFrames >= 10, 'mic frames after unmute');

      await page.evaluate(() => window.ws.mute());
      await page.waitForTimeout(100); // frames already in flight
      const frozen = stats.micFrames;
      await page.waitForTimeout(500);
      expect(stats.micFrames).toBe(frozen);

      await page.evaluate(() => window.ws.disconnect());
      await expectNothingOpen(page);
    } finally {
      await page.close();
    }
  });

  it('audioControls.setAudioDevice moves the capture to another microphone and audio keeps flowing', async () => {
    const page = await openPage();
    try {
      const before = bot.sessions.length;
      expect(await connect(page)).toEqual({ ok: true });
      const stats = await until(() => bot.sessions.length > before && newest(), 'a bot session');
      await until(() => stats.micFrames >= 5, 'mic frames');
      const switched = await page.evaluate(() => window.ws.switchMic());
      expect(switched.inputs).toBeGreaterThan(1);
      expect(switched.chosen).not.toBe('');
      // one live capture, on the chosen device (the old track was stopped)
      expect(switched).toMatchObject({ capturing: switched.chosen, live: 1 });
      const after = stats.micFrames;
      await until(() => stats.micFrames >= after + 10, 'mic frames from the new device');
      await page.evaluate(() => window.ws.disconnect());
      await expectNothingOpen(page);
    } finally {
      await page.close();
    }
  });

  it('with the mic denied, connects without it, says why, and still chats', async () => {
    const page = await openPage();
    try {
      await page.evaluate(() => window.ws.denyMic());
      expect(await connect(page)).toEqual({ ok: true });
      const errors = await page.evaluate(() => window.ws.errors());
      expect(errors.map((e) => e.code)).toEqual(['MICROPHONE_UNAVAILABLE']);
      expect(errors[0]?.message).toContain('NotAllowedError');
      await page.evaluate(() => window.ws.send('no mic'));
      expect(await page.evaluate(() => window.ws.waitForChat('You said: no mic', 5_000))).toBe(true);
      await page.evaluate(() => window.ws.disconnect());
      const left = await expectNothingOpen(page);
      expect(left.audioContexts).toBe(1); // playback only
    } finally {
      await page.close();
    }
  });

  it('reports a server drop as `disconnect` with CONNECTION_LOST and releases the mic', async () => {
    bot.faults.closeAfterMs = 300;
    const page = await openPage();
    try {
      expect(await connect(page)).toEqual({ ok: true });
      const ended = await until(async () => (await page.evaluate(() => window.ws.disconnects()))[0], 'disconnect event');
      expect(ended.code).toBe('CONNECTION_LOST');
      expect(await page.evaluate(() => window.ws.isConnected())).toBe(false);
      await expectNothingOpen(page);
    } finally {
      delete bot.faults.closeAfterMs;
      await page.close();
    }
  });

  it('fails with BOT_READY_TIMEOUT when the bot never answers, and leaves nothing open', async () => {
    bot.faults.neverReady = true;
    const page = await openPage();
    try {
      const result = await connect(page, { connectTimeoutMs: 1_000 });
      expect(result).toMatchObject({ ok: false, code: 'BOT_READY_TIMEOUT' });
      await expectNothingOpen(page);
    } finally {
      delete bot.faults.neverReady;
      await page.close();
    }
  });
});
