import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../examples/demo/start-demo.js';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startCoturn, type Coturn } from '../support/coturn.js';

/**
 * The diagnostics example (examples/diagnostics, built with Vite against dist/, a thin page
 * around the panel) as `npm run demo` serves it: `/diagnostics-local` checks the demo's own
 * coturn, whose credential comes from /demo-config.json and never shows in a URL or the page.
 */
let demo: Demo;
let browser: LaunchedBrowser;
let commaTurn: Coturn;

beforeAll(async () => {
  demo = await startDemo({ pages: ['diagnostics'], turn: true });
  commaTurn = await startCoturn({ password: 'DIAG-SECRET,with,commas' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await commaTurn?.stop();
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

  it('STUN only: probes with policy all as the negotiator does, and says what that cannot prove', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`${demo.server.url}/diagnostics/?ice=${encodeURIComponent(demo.stack.turn!.stunUrl)}&deadline=5000&run=1`);
    await page.locator('.cvd[data-state=done]').waitFor({ timeout: 20_000 });
    expect(await page.locator('.cvd-verdict').getAttribute('data-verdict')).toBe('webrtc');
    expect(await page.locator('.cvd-report').textContent()).toContain('Policy: all');
    expect(await page.locator('.cvd-scope').innerText()).toMatch(/STUN only.*cannot show that a TURN relay works/s);
    // the automatic choice stays automatic in the shared link
    expect(new URL(page.url()).searchParams.has('policy')).toBe(false);
    await page.close();
  });

  it('a credential with commas, typed into the form, reaches the probe whole and shows nowhere', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`${demo.server.url}/diagnostics/?ice=${encodeURIComponent(commaTurn.turnUdpUrl)}&deadline=8000`);
    await page.locator('.cvd').waitFor();
    await page.fill('input[name=username]', commaTurn.username);
    await page.fill('input[name=credential]', commaTurn.password);
    await page.click('button[type=submit]');
    await page.getByRole('button', { name: 'Run check' }).click();
    await page.locator('.cvd[data-state=done]').waitFor({ timeout: 20_000 });
    expect(await page.locator('.cvd-verdict').getAttribute('data-verdict')).toBe('webrtc');
    expect(await page.locator('.cvd-scope').count()).toBe(0);
    expect([await page.content(), page.url(), await page.locator('body').innerText()].join('\n')).not.toContain('DIAG-SECRET');
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
