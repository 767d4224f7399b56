import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { openWidgetPage } from '../support/widget-page.js';
import { buildNextApp, pipecatClientChunks, startNextApp, type NextServer } from '../support/next-app.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';
import { createPipecatBot } from '../../examples/backend/pipecat-bot.js';

/**
 * A Next.js app-router app (test/fixtures/next-app) that renders the React widget with
 * transport: 'auto' in a client component, built with `next build` and served with
 * `next start` on 127.0.0.1, against the local backend and coturn. Next.js 16 builds with
 * Turbopack by default; the webpack side of the boundary is bundle-boundary.test.ts.
 */

const API_KEY = 'sk-next-e2e-0123456789';
const debug = process.env['NEXT_DEBUG'] ? (line: string) => console.log(line) : undefined;
let turn: Coturn;
let backend: Backend;
let room: LiveKitRoomService;
let next: NextServer;
let browser: LaunchedBrowser;
let buildLog = '';

beforeAll(async () => {
  buildLog = await buildNextApp(debug);
  turn = await startCoturn();
  const iceServers = [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: turn.password }];
  room = createLiveKitRoom({ apiKey: 'lk-key', apiSecret: 'lk-secret-that-is-long-enough-0123456789', iceServers });
  backend = await startBackend({ apiKey: API_KEY, services: [room, createPipecatBot()], iceServers });
  next = await startNextApp(debug);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await next?.stop();
  await backend?.stop();
  await turn?.stop();
});

interface ImportReport {
  entries: Record<string, { exports?: string[]; error?: string }>;
  touched: { name: string; stack: string }[];
  ssr: { touched: { name: string; stack: string }[] } | null;
}
const ssrImports = async (): Promise<ImportReport> => (await (await fetch(`${next.url}/ssr-imports`)).json()) as ImportReport;

describe('Next.js app router (next build + next start)', () => {
  it('builds, with Pipecat only in client chunks the build emitted for the lazy import', async () => {
    expect(buildLog).toMatch(/Compiled successfully/);
    expect(await pipecatClientChunks()).not.toEqual([]);
  });

  // first request to the server: the entries are evaluated here, inside the traps
  it('importing every entry on the server touches neither window, navigator nor RTCPeerConnection', async () => {
    const report = await ssrImports();
    const entries = Object.entries(report.entries).filter(([name]) => name !== 'control');
    expect(entries.map(([name]) => name)).toHaveLength(7);
    for (const [name, result] of entries) {
      expect(result.error, name).toBeUndefined();
      expect(result.exports?.length, name).toBeGreaterThan(0);
    }
    expect(report.entries['convai-transport/auto']?.exports).toContain('connectConvai');
    // the control module, which reads `window`, was caught: the traps work
    expect(report.entries['control']?.error).toMatch(/window was touched/);
    expect(report.touched.filter((t) => !t.stack.includes('touches-window'))).toEqual([]);
    expect(report.touched.length).toBeGreaterThan(0);
  });

  it('server-renders the widget, hydrates in Chromium, connects over WebRTC and never requests the WebSocket chunk', async () => {
    const url = `${next.url}/?backend=${encodeURIComponent(backend.url)}&key=${API_KEY}`;
    const html = await (await fetch(url)).text();
    expect(html).toMatch(/<div data-hydrated="false"><section class="cvw"/);
    // the page's server render evaluated /auto and /react with the traps set
    expect((await ssrImports()).ssr).toEqual({ touched: [] });

    const problems: string[] = [];
    const widget = await openWidgetPage(browser, url, debug);
    const requested: string[] = [];
    widget.page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    widget.page.on('pageerror', (e) => problems.push(e.message));
    widget.page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await widget.page.locator('[data-hydrated="true"]').waitFor({ timeout: 15_000 });
    const scriptsAtLoad = await widget.page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.js')),
    );
    expect(scriptsAtLoad.length).toBeGreaterThan(0);

    await widget.connect();
    await widget.waitForTransport('WebRTC: network check passed');
    await widget.say('hello from next', 'You said: hello from next');
    expect(room.stats().roomsOpen).toBe(1);
    expect(backend.connectCount).toMatchObject({ livekit: 1, websocket: 0 });

    const pipecatChunks = await pipecatClientChunks();
    const loaded = [...new Set([...scriptsAtLoad, ...requested.filter((p) => p.endsWith('.js'))])];
    console.log(`scripts loaded: ${loaded.length}; Pipecat chunks emitted: ${pipecatChunks.join(' ')}`);
    expect(loaded.filter((p) => pipecatChunks.includes(p))).toEqual([]);
    expect(problems).toEqual([]);
    await widget.page.close();
  });
});
