import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../examples/demo/start-demo.js';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';

/**
 * The diagnostics example (examples/diagnostics, built with Vite against dist/, a thin page
 * around the panel) as `npm run demo` serves it: `/diagnostics-local` checks the demo's own
 * coturn, whose credential comes from /demo-config.json and never shows in a URL or the page.
 */
let demo: Demo;
let browser: LaunchedBrowser;

beforeAll(async () => {
  demo = await startDemo({ pages: ['diagnostics'], turn: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe('diagnostics page (examples/diagnostics) under npm run demo', () => {
  it('/diagnostics-local: runs against the local coturn, WebRTC verdict, the address bar is a link without the credential', async () => {
    const page = await browser.browser.newPage({ viewport: { width: 1000, height: 900 } });
    const console: string[] = [];
    page.on('console', (m) => console.push(m.text()));
    await page.goto(`${demo.server.url}/diagnostics-local`);
    await page.locator('.cvd[data-state=done]').waitFor({ timeout: 20_000 });
    expect(await page.locator('.cvd-verdict').getAttribute('data-verdict')).toBe('webrtc');
    expect(await page.locator('.cvd-timeline [data-group=server]').count()).toBeGreaterThanOrEqual(3);
    const turn = demo.stack.turn!;
    const url = new URL(page.url());
    expect(url.pathname).toBe('/diagnostics/');
    expect(url.searchParams.getAll('ice')).toEqual([`stun:${turn.host}:${turn.port}`, turn.turnUdpUrl, turn.turnTcpUrl]);
    expect(url.searchParams.get('ws')).toBe(`${demo.stack.backend.url.replace('http:', 'ws:')}/probe/ws`);
    // the credential input holds it as a property; the markup, URL, console and text do not
    expect(await page.inputValue('input[name=credential]')).toBe(turn.password);
    const seen = [await page.content(), page.url(), ...console, await page.locator('body').innerText()].join('\n');
    expect(seen).not.toContain(turn.password);
    await page.screenshot({ path: 'test-results/diagnostics-example.png', fullPage: true });
    await page.close();
  });

  it('bad input: names the field and runs nothing', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`${demo.server.url}/diagnostics/`);
    await page.locator('.cvd').waitFor();
    await page.fill('input[name=deadline]', '-1');
    await page.click('button[type=submit]');
    const error = page.locator('p.error[data-field]');
    await error.waitFor();
    expect(await error.getAttribute('data-field')).toBe('deadlineMs');
    expect(await page.locator('.cvd').count()).toBe(0);
    await page.close();
  });
});
