import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { openWidgetPage } from '../support/widget-page.js';
import { buildNextApp, pipecatClientChunks, startNextApp, type NextBundler, type NextServer } from '../support/next-app.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';
import { createPipecatBot } from '../../examples/backend/pipecat-bot.js';

/**
 * A Next.js app-router app (test/fixtures/next-app) that renders the React widget with
 * transport: 'auto' in a client component, built with `next build` and served with
 * `next start` on 127.0.0.1, against the local backend and coturn. Next.js 16 builds with
 * Turbopack by default and with webpack on `--webpack`: both are tested, one after the other.
 */

const API_KEY = 'sk-next-e2e-0123456789';
const debug = process.env['NEXT_DEBUG'] ? (line: string) => console.log(line) : undefined;
let turn: Coturn;
let backend: Backend;
let room: LiveKitRoomService;
let browser: LaunchedBrowser;

beforeAll(async () => {
  turn = await startCoturn();
  const iceServers = [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: turn.password }];
  room = createLiveKitRoom({ apiKey: 'lk-key', apiSecret: 'lk-secret-that-is-long-enough-0123456789', iceServers });
  // Convai's shape: the TURN servers come with the room's join response
  backend = await startBackend({ apiKey: API_KEY, services: [room, createPipecatBot()] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  await turn?.stop();
});

// `typeof window` (livekit-client's logger asks it when loaded) is allowed: on a server
// the global is absent and the test reads nothing. Any read of a value is not.
interface Access {
  name: string;
  kind: 'typeof' | 'read';
  stack: string;
}
interface ImportReport {
  entries: Record<string, { exports?: string[]; error?: string; touched: Access[] }>;
  ssr: { touched: Access[] } | null;
}
const reads = (accesses: readonly Access[]): Access[] => accesses.filter((a) => a.kind === 'read');

describe.each<NextBundler>(['turbopack', 'webpack'])('Next.js app router, %s (next build + next start)', (bundler) => {
  let next: NextServer;
  let buildLog = '';
  beforeAll(async () => {
    buildLog = await buildNextApp(bundler, debug);
    next = await startNextApp(bundler, debug);
  }, 300_000);
  afterAll(() => next?.stop());
  const ssrImports = async (): Promise<ImportReport> => (await (await fetch(`${next.url}/ssr-imports`)).json()) as ImportReport;

  it('builds, and emits client chunks that hold the Pipecat code', async () => {
    expect(buildLog).toMatch(/Compiled successfully/);
    expect(await pipecatClientChunks(bundler)).not.toEqual([]);
  });

  // first request to the server: the entries are evaluated here, inside the traps
  it('importing every entry on the server touches neither window, navigator nor RTCPeerConnection', async () => {
    const report = await ssrImports();
    const entries = Object.entries(report.entries).filter(([name]) => name !== 'control');
    expect(entries.map(([name]) => name)).toHaveLength(7);
    for (const [name, result] of entries) {
      expect(result.error, name).toBeUndefined();
      expect(result.exports?.length, name).toBeGreaterThan(0);
      expect(reads(result.touched), name).toEqual([]);
    }
    expect(report.entries['convai-transport/auto']?.exports).toContain('connectConvai');
    // the control module, which reads `window`, was caught: the traps work
    expect(report.entries['control']?.error).toMatch(/window was touched/);
    expect(reads(report.entries['control']!.touched).map((a) => a.name)).toEqual(['window']);
    const probes = entries.flatMap(([name, r]) => r.touched.map((a) => `${name}: typeof ${a.name}`));
    console.log(`${bundler}: ${probes.length} typeof probes, no reads${probes.length ? `\n  ${[...new Set(probes)].join('\n  ')}` : ''}`);
  });

  it('server-renders the widget, hydrates in Chromium, connects over WebRTC and never requests the WebSocket chunk', async () => {
    const url = `${next.url}/?backend=${encodeURIComponent(backend.url)}&key=${API_KEY}`;
    const html = await (await fetch(url)).text();
    // the widget itself, not Next's error page (which would be all of `html`)
    expect(html.includes('<div data-hydrated="false"><section class="cvw"'), html.slice(0, 300)).toBe(true);
    // the page's server render evaluated /auto and /react with the traps set
    const ssr = (await ssrImports()).ssr;
    expect(reads(ssr?.touched ?? [])).toEqual([]);
    // the control evaluated before the package's entries was seen: the traps were set
    expect(ssr?.touched.map((a) => a.name)).toContain('RTCPeerConnection');
    console.log(`${bundler}: page server render: ${ssr?.touched.length} typeof probes (control included), no reads`);

    const problems: string[] = [];
    const roomsBefore = room.stats().roomsOpen;
    const websocketBefore = backend.connectCount.websocket;
    // every console line and page error from the first byte on: a hydration mismatch shows there
    const pageLines: string[] = [];
    const widget = await openWidgetPage(browser, url, (line) => {
      pageLines.push(line);
      debug?.(line);
    });
    try {
      const requested: string[] = [];
      widget.page.on('request', (r) => requested.push(new URL(r.url()).pathname));
      widget.page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${m.text()} (${m.location().url})`);
      });
      await widget.page.locator('[data-hydrated="true"]').waitFor({ timeout: 15_000 });
      const scriptsAtLoad = await widget.page.evaluate(() =>
        performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.js')),
      );
      expect(scriptsAtLoad.length).toBeGreaterThan(0);

      await widget.connect();
      await widget.waitForTransport('WebRTC: network check passed');
      await widget.say('hello from next', 'You said: hello from next');
      expect(room.stats().roomsOpen).toBe(roomsBefore + 1);
      expect(backend.connectCount.websocket).toBe(websocketBefore);

      const pipecatChunks = await pipecatClientChunks(bundler);
      const loaded = [...new Set([...scriptsAtLoad, ...requested.filter((p) => p.endsWith('.js'))])];
      console.log(`scripts loaded: ${loaded.length}; Pipecat chunks emitted: ${pipecatChunks.join(' ')}`);
      expect(loaded.filter((p) => pipecatChunks.includes(p))).toEqual([]);
      expect(problems).toEqual([]);
      expect(pageLines.filter((l) => l.startsWith('[page error]') || /hydrat/i.test(l))).toEqual([]);
    } finally {
      await widget.page.close();
    }
    await expect.poll(() => room.stats().roomsOpen, { timeout: 10_000 }).toBe(roomsBefore);
  });
});
