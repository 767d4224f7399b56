import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchEngine, type EngineName } from '../support/engine.js';
import { startPageServer, type PageServer } from '../support/page-server.js';

/**
 * The same page in all three engines through the one engine interface: what each offers the
 * library. The engine matrix in the README rests on these facts.
 */

let pages: PageServer;
beforeAll(async () => {
  pages = await startPageServer({ entries: { app: 'test/e2e/pages/negotiator-page.ts' } });
});
afterAll(async () => pages?.stop());

const expected: Record<EngineName, { rtc: string; version: RegExp }> = {
  chromium: { rtc: 'function', version: /^chromium\/\d+/ },
  firefox: { rtc: 'function', version: /^firefox\/\d+/ },
  // Debian's WebKitGTK with default settings: no WebRTC at all, like a restricted webview
  webkit: { rtc: 'undefined', version: /^webkitgtk\/2\.\d+/ },
};

describe.each(Object.keys(expected) as EngineName[])('%s', (name) => {
  it('loads the shared page and reports what it offers', async () => {
    const engine = await launchEngine(name);
    try {
      expect(engine.version).toMatch(expected[name].version);
      const page = await engine.newPage();
      await page.goto(pages.url);
      await page.waitFor(() => window.negReady === true);
      const caps = await page.evaluate(
        () => ({
          rtc: typeof RTCPeerConnection,
          ws: typeof WebSocket,
          worklet: typeof AudioWorkletNode,
          secure: isSecureContext,
          mic: typeof navigator.mediaDevices?.getUserMedia,
        }),
        undefined,
      );
      expect(caps).toEqual({ rtc: expected[name].rtc, ws: 'function', worklet: 'function', secure: true, mic: 'function' });
      await page.close();
    } finally {
      await engine.close();
    }
  });
});
