import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../examples/demo/start-demo.js';
import { launchEngine, type Engine } from '../support/engine.js';
import { driveWidget } from './engines/widget-driver.js';

/**
 * The vanilla example (examples/vanilla, built with Vite from dist/, as widget-vanilla.test.ts
 * runs it in Chromium) in Firefox and WebKitGTK, against the demo's own stack. One demo for
 * both engines, one browser at a time.
 */

let demo: Demo;
let pageUrl: string;
let engine: Engine | undefined;

beforeAll(async () => {
  demo = await startDemo({ pages: ['vanilla'], turn: true });
  pageUrl = demo.pages.find((p) => p.name === 'vanilla')!.url;
});

afterAll(async () => {
  await engine?.close();
  await demo?.stop();
});

describe('vanilla widget in other engines', () => {
  it('Firefox: auto picks WebRTC, says why, the bot answers, the mic meter moves and the room gets mic RTP', async () => {
    engine = await launchEngine('firefox');
    const page = await engine.newPage();
    await page.goto(pageUrl);
    const widget = await driveWidget(page);
    await widget.connect();
    await widget.waitForTransport('WebRTC: network check passed');
    expect(demo.server.requests.some((p) => /websocket/i.test(p))).toBe(false);
    await widget.say('hello from the firefox widget', 'You said: hello from the firefox widget');
    expect(await widget.micLevelSeen()).toBeGreaterThan(0);
    await expect.poll(() => demo.stack.room.stats().sessions.at(-1)?.micPackets ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    await widget.screenshot('widget-vanilla-firefox');
    await widget.disconnect();
    await widget.waitForTransport('Transport: not connected');
    await page.close();
    await engine.close();
    engine = undefined;
  });

  it('WebKitGTK: auto picks WebSocket (no RTCPeerConnection), says why, the bot answers and gets mic audio', async () => {
    engine = await launchEngine('webkit');
    const requestsBefore = demo.server.requests.length;
    const page = await engine.newPage();
    await page.goto(pageUrl);
    const widget = await driveWidget(page);
    await widget.connect();
    await widget.waitForTransport('WebSocket: WebRTC unavailable in this browser');
    expect(demo.server.requests.slice(requestsBefore).some((p) => /websocket/i.test(p))).toBe(true);
    await widget.say('hello from the webkit widget', 'You said: hello from the webkit widget');
    const session = demo.stack.bot.sessions.at(-1);
    await expect.poll(() => session?.micFrames ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await widget.micLevelSeen()).toBeGreaterThan(0);
    await widget.screenshot('widget-vanilla-webkit');
    await widget.disconnect();
    await expect.poll(() => demo.stack.bot.connectedCount, { timeout: 5_000 }).toBe(0);
    await page.close();
  });
});
