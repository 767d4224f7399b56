import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { openWidgetPage } from '../support/widget-page.js';
import { startDemo, type Demo } from '../../examples/demo/start-demo.js';

/**
 * The React example (Vite build, React 19 in development mode so StrictMode really
 * mounts, unmounts and remounts every effect) against the demo's stack.
 * Needs `npm run build` first (the page resolves `convai-transport/react` to dist/).
 */

const debug = process.env['WIDGET_DEBUG'] ? (line: string) => console.log(line) : undefined;
let demo: Demo;
let browser: LaunchedBrowser;
let pageUrl: string;

beforeAll(async () => {
  demo = await startDemo({ pages: ['react'], turn: true, ...(debug ? { log: debug } : {}) });
  pageUrl = demo.pages.find((p) => p.name === 'react')!.url;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const counts = (): { livekit: number; websocket: number } => ({ ...demo.stack.backend.connectCount });

describe('React hook and widget (examples/react)', () => {
  it('StrictMode + autoConnect: one /connect, WebRTC, a text round trip, mic toggle', async () => {
    const before = counts();
    const widget = await openWidgetPage(browser, `${pageUrl}?autoConnect=1`, debug);
    await widget.waitForTransport('WebRTC: network check passed');
    await widget.say('hello from react', 'You said: hello from react');
    const after = counts();
    // StrictMode ran the effect twice; the deferred disconnect let the second mount reuse the first connect
    expect(after.livekit - before.livekit).toBe(1);
    expect(after.websocket - before.websocket).toBe(0);
    expect(demo.stack.room.stats().roomsOpen).toBe(1);

    await expect.poll(() => demo.stack.room.stats().sessions.at(-1)?.micPackets ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await widget.micLevelSeen()).toBeGreaterThan(0);
    await widget.screenshot('widget-react-webrtc');
    expect(await widget.toggleMic()).toBe('false');
    expect(await widget.page.evaluate(() => window.convaiClient?.audioControls.isAudioMuted)).toBe(true);
    expect(await widget.toggleMic()).toBe('true');
    await widget.page.close();
    // closing the page ends the room session (pagehide / socket close)
    await expect.poll(() => demo.stack.room.stats().roomsOpen, { timeout: 10_000 }).toBe(0);
  });

  it('forced WebSocket: Connect button, "chosen by the app", the bot answers over Pipecat', async () => {
    const before = counts();
    const widget = await openWidgetPage(browser, `${pageUrl}?transport=websocket`, debug);
    // nothing connects before the click
    expect(counts()).toEqual(before);
    await widget.connect();
    await widget.waitForTransport('WebSocket: chosen by the app');
    await widget.say('hello over websocket', 'You said: hello over websocket');
    expect(counts().websocket - before.websocket).toBe(1);
    expect(counts().livekit).toBe(before.livekit);
    expect(demo.stack.bot.sessions.at(-1)?.texts).toEqual(['hello over websocket']);
    expect(await widget.toggleMic()).toBe('false');
    await widget.screenshot('widget-react-websocket');
    await widget.page.getByRole('button', { name: 'Disconnect' }).click();
    await widget.waitForTransport('Transport: not connected');
    await expect.poll(() => demo.stack.bot.connectedCount, { timeout: 5_000 }).toBe(0);
    await widget.page.close();
  });
});
