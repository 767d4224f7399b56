import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { LaunchedBrowser } from './chromium.js';

/** Drives a widget (vanilla or React: same markup) the way a person would. */
export interface WidgetDriver {
  readonly page: Page;
  connect(): Promise<void>;
  /** Waits for the transport line to read `text`, e.g. "WebRTC: network check passed". */
  waitForTransport(text: string, timeoutMs?: number): Promise<string>;
  /** Types into the text box, presses Enter, waits for the bot's final reply containing `expected`. */
  say(text: string, expected: string): Promise<void>;
  /** Clicks the mic button; returns its `aria-pressed` afterwards. */
  toggleMic(): Promise<string | null>;
  /** Highest `aria-valuenow` the mic meter shows within `timeoutMs`. */
  micLevelSeen(timeoutMs?: number): Promise<number>;
  /** The same for the bot's voice meter (start it before the bot speaks: each reply's tone is short). */
  botLevelSeen(timeoutMs?: number): Promise<number>;
  screenshot(name: string): Promise<string>;
}

export async function openWidgetPage(browser: LaunchedBrowser, url: string, debug?: (line: string) => void): Promise<WidgetDriver> {
  const page = await browser.browser.newPage({ viewport: { width: 560, height: 760 } });
  if (debug) page.on('console', (m) => debug(`[page] ${m.text()}`));
  page.on('pageerror', (e) => debug?.(`[page error] ${e.message}`));
  await page.goto(url);
  const widget = page.locator('section.cvw');
  await widget.waitFor({ timeout: 10_000 });
  const transport = widget.getByTestId('transport');
  return {
    page,
    connect: async () => {
      await widget.getByRole('button', { name: 'Connect', exact: true }).click();
    },
    waitForTransport: async (text, timeoutMs = 20_000) => {
      await expect
        .poll(() => transport.textContent(), { timeout: timeoutMs, interval: 100 })
        .toBe(text);
      return (await transport.textContent()) ?? '';
    },
    say: async (text, expected) => {
      const box = widget.getByRole('textbox', { name: 'Message' });
      await box.fill(text);
      await box.press('Enter');
      try {
        await widget
          .locator('.cvw-msg[data-type=bot-llm-text][data-final=true]', { hasText: expected })
          .waitFor({ timeout: 10_000 });
      } catch (error) {
        // say what the widget showed instead, so a failure can be diagnosed from the log
        const shown = await widget.evaluate((root) => root.textContent?.replace(/\s+/g, ' ')).catch(() => '?');
        throw new Error(`no bot reply "${expected}" within 10 s; the widget shows: ${shown}`, { cause: error });
      }
      await widget.locator('.cvw-msg[data-type=user]', { hasText: text }).waitFor({ timeout: 1_000 });
    },
    toggleMic: async () => {
      const mic = widget.locator('button.cvw-mic');
      await mic.click();
      return mic.getAttribute('aria-pressed');
    },
    micLevelSeen: (timeoutMs = 8_000) => levelSeen('Microphone level', timeoutMs),
    botLevelSeen: (timeoutMs = 8_000) => levelSeen('Bot voice level', timeoutMs),
    screenshot: async (name) => {
      await mkdir('test-results', { recursive: true });
      const path = `test-results/${name}.png`;
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };

  function levelSeen(label: string, timeoutMs: number): Promise<number> {
    return page.evaluate(
      async ([name, ms]) => {
        const bar = document.querySelector(`[aria-label="${name}"]`);
        let best = 0;
        const until = performance.now() + ms;
        while (performance.now() < until && best === 0) {
          best = Math.max(best, Number(bar?.getAttribute('aria-valuenow') ?? 0));
          await new Promise((r) => setTimeout(r, 50));
        }
        return best;
      },
      [label, timeoutMs] as const,
    );
  }
}
