import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './chromium.js';
import { startPageServer, type PageServer } from './page-server.js';
import { startCoturn, type Coturn } from './coturn.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';

export interface LiveKitStack {
  readonly turn: Coturn;
  readonly pages: PageServer;
  readonly room: LiveKitRoomService;
  readonly backend: Backend;
  readonly browser: LaunchedBrowser;
  /** Opens the page and waits until `window[readyFlag] === true`. */
  openPage(): Promise<Page>;
  stop(): Promise<void>;
}

export interface LiveKitStackOptions {
  /** The test page's entry module. */
  readonly page: string;
  /** The global the page sets to `true` once it is ready. */
  readonly readyFlag: string;
  readonly apiKey: string;
  readonly chromiumArgs?: readonly string[];
}

/** Runs `window.lk.connect` (test/e2e/pages/livekit-page.ts) with a forced-LiveKit config. */
export function connectInPage<R>(page: Page, base: { apiKey: string; url: string }, config: Record<string, unknown>): Promise<R> {
  return page.evaluate((c) => (window as unknown as { lk: { connect(c: unknown): Promise<R> } }).lk.connect(c), {
    apiKey: base.apiKey,
    characterId: 'char-1',
    url: base.url,
    transport: 'livekit',
    backendRetries: 0,
    ...config,
  });
}

/** `LK_DEBUG=1` prints the room's log and the page's console. */
export const lkDebug = process.env['LK_DEBUG'] ? (line: string) => console.log(`${Date.now() % 100_000} ${line}`) : undefined;

/** coturn + the local LiveKit room behind `/connect` + a test page + Chromium, for the LiveKit e2e files. */
export async function startLiveKitStack(options: LiveKitStackOptions): Promise<LiveKitStack> {
  const turn = await startCoturn();
  const pages = await startPageServer({ entries: { app: options.page } });
  const room = createLiveKitRoom({
    apiKey: 'lk-key',
    apiSecret: 'lk-secret-that-is-long-enough-0123456789',
    iceServers: [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: turn.password }],
    ...(lkDebug ? { log: lkDebug } : {}),
  });
  const backend = await startBackend({ apiKey: options.apiKey, services: [room] });
  const browser = await launchChromium(options.chromiumArgs ? { args: options.chromiumArgs } : {});
  return {
    turn,
    pages,
    room,
    backend,
    browser,
    openPage: async () => {
      const page = await browser.browser.newPage();
      if (lkDebug) page.on('console', (m) => lkDebug(`[page] ${m.text()}`));
      await page.goto(pages.url);
      await page.waitForFunction((flag) => (window as unknown as Record<string, unknown>)[flag] === true, options.readyFlag);
      return page;
    },
    stop: async () => {
      await browser.close();
      await backend.stop();
      await pages.stop();
      await turn.stop();
    },
  };
}
