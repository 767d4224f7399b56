import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startLiveKitStack, type LiveKitStack } from '../support/livekit-stack.js';
import { createPackedConsumer, type PackedConsumer } from '../support/packed-consumer.js';

/**
 * The Convai Web SDK 1.2.0 app as its README writes it, unchanged but for the package
 * name (test/fixtures/compat/sdk-120-livekit.ts), bundled by esbuild against `npm pack`
 * output and run in real Chromium over LiveKit (the local room, through coturn). The page
 * records unhandled rejections; there must be none.
 */
const API_KEY = '<YOUR_CONVAI_API_KEY>';
let packed: PackedConsumer | undefined;
let stack: LiveKitStack | undefined;

beforeAll(async () => {
  packed = await createPackedConsumer('test/fixtures/compat');
  stack = await startLiveKitStack({ page: join(packed.dir, 'src', 'sdk-120-livekit.ts'), readyFlag: 'compatReady', apiKey: API_KEY });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await packed?.remove();
});

describe('a 1.2.0 app over LiveKit in Chromium, against the packed package', () => {
  it('connects, converses, disconnects; sends while disconnected are no-ops with typed errors; no unhandled rejection', async () => {
    const { browser, pages, backend } = stack!;
    const page = await browser.browser.newPage();
    const unhandled: string[] = [];
    page.on('pageerror', (error) => unhandled.push(`pageerror: ${error.message}`));
    await page.addInitScript(() => {
      window.addEventListener('unhandledrejection', (event) => console.error(`UNHANDLED ${String(event.reason)}`));
    });
    page.on('console', (m) => {
      if (m.text().startsWith('UNHANDLED')) unhandled.push(m.text());
    });
    try {
      await page.goto(`${pages.url}?convaiUrl=${encodeURIComponent(backend.url)}`);
      await page.waitForFunction(() => window.compatReady === true);
      const report = await page.evaluate(() => window.compatRun());
      await page.waitForTimeout(200);
      expect(unhandled).toEqual([]);
      expect(report).toMatchObject({
        connected: { connectionType: 'audio', isAudioEnabled: true, isAudioMuted: false },
        turn: 1,
        reply: 'You said: hello over webrtc',
        errors: ['NOT_CONNECTED', 'NOT_CONNECTED'],
        widgetGone: true,
      });
      const callbacks = report['callbacks'] as string[];
      expect(callbacks[0]).toBe('connect');
      expect(callbacks).toContain('message:bot-llm-text');
      expect(callbacks.at(-1)).toBe('disconnect');
      // control: the page's listener does catch an unhandled rejection
      await page.evaluate(() => {
        void Promise.reject(new Error('control rejection'));
      });
      await expect.poll(() => unhandled).toContain('UNHANDLED Error: control rejection');
    } finally {
      await page.close();
    }
  });
});
