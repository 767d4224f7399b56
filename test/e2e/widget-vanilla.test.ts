import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { openWidgetPage } from '../support/widget-page.js';
import { startDemo, type Demo } from '../../examples/demo/start-demo.js';

/**
 * The vanilla example (built with Vite, importing the package by name from dist/)
 * against the demo's own stack: real coturn, the LiveKit room, the Pipecat bot.
 * Needs `npm run build` first (the page resolves `convai-transport` to dist/).
 */

const debug = process.env['WIDGET_DEBUG'] ? (line: string) => console.log(line) : undefined;
let demo: Demo;
let browser: LaunchedBrowser;
let pageUrl: string;

beforeAll(async () => {
  demo = await startDemo({ pages: ['vanilla'], turn: true, ...(debug ? { log: debug } : {}) });
  pageUrl = demo.pages.find((p) => p.name === 'vanilla')!.url;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const connects = (): number => demo.stack.backend.connectCount.livekit + demo.stack.backend.connectCount.websocket;

describe('vanilla widget (examples/vanilla)', () => {
  it("auto: WebRTC through coturn, says why, talks to the bot, meters the bot's voice and the mic, mutes the mic", async () => {
    const before = connects();
    const widget = await openWidgetPage(browser, pageUrl, debug);
    await widget.connect();
    await widget.waitForTransport('WebRTC: network check passed');
    // the negotiator asked the backend once and reused that session for LiveKit
    expect(connects() - before).toBe(1);
    expect(demo.server.requests.some((p) => /websocket/i.test(p))).toBe(false);

    // the bot's reply is spoken on its LiveKit track: the widget's bot meter moves
    const botLevel = widget.botLevelSeen(10_000);
    await widget.say('hello from the vanilla widget', 'You said: hello from the vanilla widget');
    expect(await botLevel).toBeGreaterThan(0);
    const room = demo.stack.room;
    await expect.poll(() => room.stats().sessions.at(-1)?.micPackets ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await widget.micLevelSeen()).toBeGreaterThan(0);
    await widget.screenshot('widget-vanilla-webrtc');
    expect(await widget.toggleMic()).toBe('false');
    expect(await widget.page.evaluate(() => window.convaiClient?.audioControls.isAudioMuted)).toBe(true);
    await expect.poll(() => widget.page.locator('.cvw-status').textContent()).toBe('Connected (mic off)');
    expect(await widget.toggleMic()).toBe('true');

    await widget.page.getByRole('button', { name: 'Disconnect' }).click();
    await widget.waitForTransport('Transport: not connected');
    await expect.poll(() => room.stats().roomsOpen, { timeout: 5_000 }).toBe(0);
    await widget.page.close();
  });

  it('?simulate=udp-blocked: the probe fails, the WebSocket chunk loads, and the widget says why', async () => {
    const requestsBefore = demo.server.requests.length;
    const widget = await openWidgetPage(browser, `${pageUrl}?simulate=udp-blocked`, debug);
    await widget.connect();
    const text = await widget.waitForTransport('WebSocket: UDP blocked');
    expect(text).toBe('WebSocket: UDP blocked');
    // the fallback fetched the lazy WebSocket chunk, and only now
    expect(demo.server.requests.slice(requestsBefore).some((p) => /websocket/i.test(p))).toBe(true);

    const botLevel = widget.botLevelSeen(10_000);
    await widget.say('hello over the fallback', 'You said: hello over the fallback');
    expect(await botLevel).toBeGreaterThan(0);
    const session = (): (typeof demo.stack.bot.sessions)[number] | undefined => demo.stack.bot.sessions.at(-1);
    await expect.poll(() => session()?.micFrames ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(session()?.texts).toEqual(['hello over the fallback']);
    expect(await widget.toggleMic()).toBe('false');
    await widget.screenshot('widget-vanilla-websocket');
    await widget.page.getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(() => demo.stack.bot.connectedCount, { timeout: 5_000 }).toBe(0);
    await widget.page.close();
  });

  it('Chromium with UDP blocked (--webrtc-ip-handling-policy): TURN over TCP keeps WebRTC, and the widget says so', async () => {
    // one Chromium at a time: swap the shared one for a UDP-less one
    await browser.close();
    browser = await launchChromium({ args: ['--webrtc-ip-handling-policy=disable_non_proxied_udp'] });
    const widget = await openWidgetPage(browser, pageUrl, debug);
    await widget.connect();
    await widget.waitForTransport('WebRTC: UDP blocked');
    expect(await widget.page.locator('.cvw-more').textContent()).toBe('Also: relayed over TURN/TCP');
    const negotiation = await widget.page.evaluate(() => window.convaiClient?.lastNegotiation);
    expect(negotiation).toMatchObject({ transport: 'livekit', verdict: 'webrtc-relay-tcp', reasons: ['UDP_BLOCKED', 'TURN_TCP_ONLY'] });
    await widget.say('hello over turn tcp', 'You said: hello over turn tcp');
    await widget.screenshot('widget-vanilla-turn-tcp');
    await widget.page.close();
  });
});
