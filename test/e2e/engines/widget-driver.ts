import { mkdir } from 'node:fs/promises';
import type { EnginePage } from '../../support/engine.js';
import { until } from './scenarios.js';

/**
 * The vanilla widget driven through the engine interface, the way a person would: the same
 * markup test/support/widget-page.ts drives with Playwright locators in Chromium, here with
 * DOM calls inside the page (WebDriver and BiDi have no locators in common).
 */
export interface EngineWidget {
  connect(): Promise<void>;
  /** Waits for the transport line to read `text`, e.g. "WebRTC: network check passed". */
  waitForTransport(text: string, timeoutMs?: number): Promise<void>;
  /** Types `text`, submits the form, waits for the bot's final reply containing `expected`. */
  say(text: string, expected: string): Promise<void>;
  /** Highest value the mic meter shows within `timeoutMs`. */
  micLevelSeen(timeoutMs?: number): Promise<number>;
  disconnect(): Promise<void>;
  screenshot(name: string): Promise<string>;
}

export async function driveWidget(page: EnginePage): Promise<EngineWidget> {
  await page.waitFor(() => document.querySelector('section.cvw button.cvw-connect') !== null);
  const transport = (): Promise<string> =>
    page.evaluate(() => document.querySelector('section.cvw [data-testid=transport]')?.textContent ?? '', undefined);
  return {
    connect: () => page.evaluate(() => (document.querySelector('section.cvw button.cvw-connect') as HTMLButtonElement).click(), undefined),
    waitForTransport: async (text, timeoutMs = 20_000) => {
      let last = '';
      await until(async () => (last = await transport()) === text, `the transport line to read "${text}" (it reads "${last}")`, timeoutMs);
    },
    say: async (text, expected) => {
      await page.evaluate((t) => {
        const input = document.querySelector('section.cvw form input') as HTMLInputElement;
        input.value = t;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        (input.form as HTMLFormElement).requestSubmit();
      }, text);
      await until(
        () =>
          page.evaluate(
            (e) =>
              [...document.querySelectorAll('section.cvw .cvw-msg[data-type=bot-llm-text][data-final=true]')].some((m) => m.textContent?.includes(e)),
            expected,
          ),
        `the bot's reply "${expected}" in the widget`,
      );
    },
    micLevelSeen: async (timeoutMs = 8_000) => {
      let best = 0;
      await until(async () => {
        best = await page.evaluate(() => Number(document.querySelector('[aria-label="Microphone level"]')?.getAttribute('aria-valuenow') ?? 0), undefined);
        return best > 0;
      }, 'the mic meter to move', timeoutMs).catch(() => undefined);
      return best;
    },
    disconnect: () => page.evaluate(() => (document.querySelector('section.cvw button.cvw-connect') as HTMLButtonElement).click(), undefined),
    screenshot: async (name) => {
      await mkdir('test-results', { recursive: true });
      const path = `test-results/${name}.png`;
      await page.screenshot(path);
      return path;
    },
  };
}
