import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { wsEchoService } from '../../examples/backend/ws-echo.js';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { startPageServer, type PageServer } from '../support/page-server.js';

let turn: Coturn;
let commaTurn: Coturn;
let backend: Backend;
let pages: PageServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  turn = await startCoturn();
  commaTurn = await startCoturn({ password: 'DIAG-SECRET,with,commas' });
  backend = await startBackend({ apiKey: 'k', services: [wsEchoService()] });
  pages = await startPageServer({ entries: { app: 'examples/diagnostics/main.ts' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await pages?.stop();
  await backend?.stop();
  await turn?.stop();
  await commaTurn?.stop();
});

describe('diagnostics page (examples/diagnostics) in Chromium', () => {
  it('runs the probe from the form and shows verdict, per-server table, progress and text report', async () => {
    const page = await browser.browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(pages.url);
    const cred = `${turn.username},${turn.password}`;
    await page.fill('textarea[name=ice]', [turn.stunUrl, `${turn.turnUdpUrl},${cred}`, `${turn.turnTcpUrl},${cred}`].join('\n'));
    await page.fill('input[name=ws]', `${backend.url.replace('http:', 'ws:')}/probe/ws`);
    await page.click('button[type=submit]');
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('webrtc');
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.includes('turn:') && r.includes('\tok\t'))).toHaveLength(2);
    expect(await page.locator('pre.progress').innerText()).toContain('verdict: webrtc');
    expect(await page.locator('pre.report-text').innerText()).toContain('Connectivity check: ok via udp relay');
    expect(await page.locator('main').innerText()).toContain('WebSocket ws://');
    // the password typed into the form never shows up in the rendered report
    expect(await page.locator('.output').innerText()).not.toContain(turn.password);
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/diagnostics.png', fullPage: true });
    await page.close();
  });

  it('STUN only: probes with policy all as the negotiator does, and says what that cannot prove', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`${pages.url}?ice=${encodeURIComponent(turn.stunUrl)}&deadline=5000&run=1`);
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('webrtc');
    expect(await verdict.innerText()).toContain('policy all');
    expect(await page.locator('.scope-note').innerText()).toMatch(/STUN only.*cannot show that a TURN relay works/s);
    await page.close();
  });

  it('a credential with commas reaches the probe whole (only the first two commas split)', async () => {
    const page = await browser.browser.newPage();
    const spec = `${commaTurn.turnUdpUrl},${commaTurn.username},${commaTurn.password}`;
    await page.goto(`${pages.url}?ice=${encodeURIComponent(spec)}&deadline=8000&run=1`);
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verdict')).toBe('webrtc');
    expect(await page.locator('.scope-note').count()).toBe(0);
    expect(await page.locator('.output').innerText()).not.toContain('DIAG-SECRET');
    await page.close();
  });

  it('bad input: names the field and runs nothing', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`${pages.url}?ice=${encodeURIComponent('turn:127.0.0.1:3478?transport=udp')}&run=1`);
    const status = page.locator('p.status[data-error]');
    await status.waitFor();
    expect(await status.getAttribute('data-error')).toBe('iceServers[0].credential');
    expect(await page.locator('[data-verdict]').count()).toBe(0);
    await page.close();
  });
});
