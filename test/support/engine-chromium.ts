import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import type { Engine, EngineOptions, EnginePage } from './engine.js';

/** Chromium behind the engine interface: the same launcher and flags as every other e2e file. */
export async function launchChromiumEngine(options: EngineOptions): Promise<Engine> {
  const ns = options.netns;
  const launched = await launchChromium({
    ...(ns ? { executablePath: ns.chromiumPath, excludeHosts: [ns.rootIp] } : {}),
    args: (options.secureOrigins ?? []).map((o) => `--unsafely-treat-insecure-origin-as-secure=${o}`),
  });
  return {
    name: 'chromium',
    version: `chromium/${launched.browser.version()}`,
    newPage: async () => wrap(await launched.browser.newPage()),
    close: () => launched.close(),
  };
}

function wrap(page: Page): EnginePage {
  return {
    goto: async (url) => {
      await page.goto(url);
    },
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    waitFor: async (fn, timeoutMs = 10_000) => {
      await page.waitForFunction(fn, undefined, { timeout: timeoutMs });
    },
    screenshot: async (path) => {
      await page.screenshot({ path });
    },
    close: () => page.close(),
  };
}
