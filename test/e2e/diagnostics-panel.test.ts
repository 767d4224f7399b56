import { mkdir, readFile } from 'node:fs/promises';
import { createSocket, type Socket } from 'node:dgram';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { wsEchoService } from '../../examples/backend/ws-echo.js';
import type { ProbeReport } from '../../src/diagnostics/index.js';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { startPageServer, type PageServer } from '../support/page-server.js';

// The diagnostics panel (convai-transport/diagnostics) in Chromium against a real coturn:
// three network conditions, the verdict and advice each gives, the timeline, copy and
// download, and no credential anywhere a person or a log could see it.
let turn: Coturn;
let backend: Backend;
let pages: PageServer;
let browser: LaunchedBrowser;
let context: BrowserContext;
let blackhole: Socket;
let deadPort: number;
const WRONG = 'wrong-secret-Zq81x';

beforeAll(async () => {
  turn = await startCoturn();
  backend = await startBackend({ apiKey: 'k', services: [wsEchoService()] });
  pages = await startPageServer({ entries: { app: 'test/e2e/pages/diagnostics-panel-page.ts' } });
  browser = await launchChromium();
  context = await browser.browser.newContext({ acceptDownloads: true, viewport: { width: 900, height: 1000 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(pages.url).origin });
  // a bound UDP socket that never answers: a TURN/UDP server behind a firewall that drops UDP
  blackhole = createSocket('udp4');
  await new Promise<void>((resolve) => blackhole.bind(0, '127.0.0.1', () => resolve()));
  deadPort = blackhole.address().port;
  await mkdir('test-results', { recursive: true });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  blackhole?.close();
  await pages?.stop();
  await backend?.stop();
  await turn?.stop();
});

interface Opened {
  readonly page: Page;
  readonly console: string[];
}

async function runPanel(iceServers: RTCIceServer[], deadlineMs: number): Promise<Opened> {
  const page = await context.newPage();
  const console: string[] = [];
  page.on('console', (m) => console.push(m.text()));
  page.on('pageerror', (e) => console.push(String(e)));
  await page.goto(pages.url);
  const wsUrl = `${backend.url.replace('http:', 'ws:')}/probe/ws`;
  await page.evaluate((o) => window.mountPanel(o), { iceServers, wsUrl, deadlineMs });
  // keyboard only: focus the run button and press Enter
  await page.getByRole('button', { name: 'Run check' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('.cvd[data-state=done]').waitFor({ timeout: 20_000 });
  return { page, console };
}

/** Everything a person or a log could see: markup with attributes, URL, share link, console, text. */
async function expectNoCredential(opened: Opened, secrets: readonly string[]): Promise<void> {
  const { page } = opened;
  const seen = [await page.content(), page.url(), String(await page.evaluate(() => window.panelShareUrl())), ...opened.console, await page.locator('body').innerText()].join('\n');
  for (const secret of secrets) expect(seen.includes(secret), `credential found on the page`).toBe(false);
  // the scan does see the page's content: the servers' addresses are there
  expect(seen).toContain(`${turn.host}:${turn.port}`);
}

describe('diagnostics panel in Chromium', () => {
  it('healthy: WebRTC verdict, a lane per server, copy and download give the report, no credential anywhere', async () => {
    const creds = { username: turn.username, credential: turn.password };
    const opened = await runPanel([{ urls: turn.stunUrl }, { urls: [turn.turnUdpUrl, turn.turnTcpUrl], ...creds }], 4000);
    const { page } = opened;
    expect(await page.locator('.cvd-verdict').getAttribute('data-verdict')).toBe('webrtc');
    expect(await page.locator('.cvd-headline').innerText()).toBe('Your network is ready for voice.');
    const report = (await page.evaluate(() => window.panelReport())) as ProbeReport;
    const servers = report.checks.gathering.data.servers;
    // the three configured URLs, and the host-candidate gatherer the thorough check adds
    expect(servers.filter((s) => s.kind !== 'host').map((s) => s.url)).toEqual([turn.stunUrl, turn.turnUdpUrl, turn.turnTcpUrl]);
    // one lane per server and protocol, each with its own label, plus the connectivity and WebSocket checks
    const labels = await page.locator('.cvd-timeline [data-group=server] .cvd-lane-label').allTextContents();
    expect(labels).toHaveLength(servers.length);
    expect(labels.join('|')).toMatch(/STUN\/UDP.*TURN\/UDP.*TURN\/TCP/);
    expect(await page.locator('.cvd-timeline [data-group=check]').count()).toBe(2);
    expect(await page.locator('.cvd-timeline [data-group=server] .cvd-candidate').count()).toBe(servers.reduce((n, s) => n + s.candidates.length, 0));
    expect(await page.locator('.cvd-table tbody tr').count()).toBe(servers.length);
    await page.locator('.cvd').screenshot({ path: 'test-results/diagnostics-healthy.png' });

    await page.getByRole('button', { name: 'Copy report' }).click();
    await expect.poll(() => page.locator('.cvd-feedback').innerText()).toContain('Report copied');
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    expect(clip).toMatch(/^Verdict: webrtc: /);
    expect(clip).toBe(await page.locator('.cvd-report').textContent());

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^convai-network-check-.*\.json$/);
    const saved = JSON.parse(await readFile(await download.path(), 'utf8')) as ProbeReport;
    expect(saved).toEqual(report);

    const share = new URL((await page.locator('a.cvd-share').getAttribute('href'))!);
    expect(share.searchParams.getAll('ice')).toEqual([`stun:${turn.host}:${turn.port}`, turn.turnUdpUrl, turn.turnTcpUrl]);
    expect(share.searchParams.get('deadline')).toBe('4000');
    await expectNoCredential(opened, [turn.password]);
    // nor what leaves the page: the clipboard and the saved file
    expect(clip + JSON.stringify(saved)).not.toContain(turn.password);
    await page.close();
  });

  it('TURN/UDP where nothing listens: WebSocket verdict with the advice to ask IT', async () => {
    const opened = await runPanel([{ urls: `turn:127.0.0.1:${deadPort}?transport=udp`, username: turn.username, credential: turn.password }], 1500);
    const { page } = opened;
    expect(await page.locator('.cvd-verdict').getAttribute('data-verdict')).toBe('websocket');
    const text = await page.locator('.cvd-verdict').innerText();
    expect(text).toContain('UDP is blocked.');
    expect(text).toContain('Ask IT to allow UDP to the TURN server, or TURN over TCP/TLS on port 443.');
    expect(text).toContain('Voice will use the WebSocket transport meanwhile');
    expect(await page.locator('.cvd-codes').innerText()).toContain('UDP_BLOCKED');
    await page.locator('.cvd').screenshot({ path: 'test-results/diagnostics-udp-blocked.png' });
    // on a phone: the timeline is redrawn to the narrower width, nothing overflows the page
    const wide = Number(await page.locator('.cvd-timeline').getAttribute('width'));
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(async () => Number(await page.locator('.cvd-timeline').getAttribute('width'))).toBeLessThan(Math.min(wide, 390));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: 'test-results/diagnostics-phone.png', fullPage: true });
    expect((await page.content()).includes(turn.password)).toBe(false);
    expect(opened.console.join('\n')).not.toContain(turn.password);
    await page.close();
  });

  it('wrong TURN credentials: the auth failure is named, in the verdict and the table', async () => {
    const opened = await runPanel([{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: WRONG }], 3000);
    const { page } = opened;
    expect(await page.locator('.cvd-verdict').getAttribute('data-verdict')).toBe('websocket');
    expect(await page.locator('.cvd-headline').innerText()).toMatch(/^The TURN server rejected the credentials \(401\)/);
    expect(await page.locator('.cvd-verdict').innerText()).toContain('TURN username or credential is wrong');
    expect(await page.locator('.cvd-codes').innerText()).toContain('TURN_AUTH_FAILED');
    expect(await page.locator('.cvd-table tbody tr[data-outcome=auth-failed]').count()).toBeGreaterThan(0);
    expect(await page.locator('.cvd-timeline .cvd-error').count()).toBeGreaterThan(0);
    await page.locator('.cvd').screenshot({ path: 'test-results/diagnostics-turn-auth.png' });
    await expectNoCredential(opened, [WRONG]);
    await page.close();
  });

  it('Cancel stops a check under way: the verdict says it was cancelled, and Run again works', async () => {
    const page = await context.newPage();
    await page.goto(pages.url);
    await page.evaluate((o) => window.mountPanel(o), { iceServers: [{ urls: `turn:127.0.0.1:${deadPort}?transport=udp`, username: 'u', credential: 'p-long-enough' }], deadlineMs: 20_000 });
    await page.getByRole('button', { name: 'Run check' }).click();
    await page.locator('.cvd-step[data-check=ice-gathering][data-status=running]').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.cvd[data-state=done]').waitFor({ timeout: 5_000 });
    expect(await page.locator('.cvd-headline').innerText()).toBe('The check was cancelled before it finished.');
    expect(await page.locator('.cvd-codes').innerText()).toContain('ABORTED');
    expect(await page.getByRole('button', { name: 'Run again' }).isEnabled()).toBe(true);
    await page.close();
  });
});
