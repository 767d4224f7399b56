import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createPipecatBot, type PipecatBot } from '../../examples/backend/pipecat-bot.js';

/**
 * The WebSocket transport under a strict CSP with no `blob:` (Pipecat's own media
 * manager hangs there): the capture worklet cannot load from a blob: URL, so the
 * session must fall back and still deliver mic audio.
 */

const API_KEY = 'local-api-key';
const CSP =
  "default-src 'self'; script-src 'self'; connect-src 'self' http://127.0.0.1:* ws://127.0.0.1:*; media-src 'self'";
let pages: PageServer;
let browser: LaunchedBrowser;
let backend: Backend;
let bot: PipecatBot;

beforeAll(async () => {
  pages = await startPageServer({
    entries: { app: 'test/e2e/pages/websocket-page.ts' },
    head: `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
  });
  bot = createPipecatBot({ toneMs: 100 });
  backend = await startBackend({ apiKey: API_KEY, services: [bot] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  await pages?.stop();
});

describe('WebSocket transport under a CSP without blob:', () => {
  it('connects and streams mic audio (ScriptProcessor fallback)', async () => {
    const page = await browser.browser.newPage();
    try {
      await page.goto(pages.url);
      // polled with evaluate (CDP, exempt from the page's CSP) rather than waitForFunction
      const ready = Date.now() + 30_000;
      while (!(await page.evaluate(() => window.wsReady === true)) && Date.now() < ready) await page.waitForTimeout(50);
      const result = await page.evaluate(
        (c) => window.ws.connect(c as never),
        { apiKey: API_KEY, characterId: 'c', url: backend.url, transport: 'websocket' },
      );
      expect(result).toEqual({ ok: true });
      // the blob: worklet really was refused (addModule rejects, it does not hang): the fallback carries the audio
      expect(await page.evaluate(() => window.ws.capture())).toEqual({ workletNodes: 0, scriptProcessors: 1 });
      const stats = bot.sessions[bot.sessions.length - 1]!;
      const deadline = Date.now() + 10_000;
      while (stats.micFrames < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(stats.micFrames).toBeGreaterThanOrEqual(20);
      expect(stats.micBytes).toBe(stats.micFrames * 512);
      await page.evaluate(() => window.ws.disconnect());
    } finally {
      await page.close();
    }
  });
});
