import { expect } from 'vitest';
import type { EnginePage } from '../../support/engine.js';
import type { EngineStack } from '../../support/engine-stack.js';
import type { PipecatBotSessionStats } from '../../../examples/backend/pipecat-bot.js';
import type { RunOutcome } from '../pages/negotiator-page.js';
import type { PageProbeInput, PageProbeOutput } from '../probe-page.js';

/**
 * Scenario steps shared by the cross-engine files. They drive the same pages as the
 * Chromium-only files (test/e2e/pages, test/e2e/probe-page.ts) through the engine interface.
 */

export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `connectConvai` on the negotiator page with the stack's backend; `config` overrides. */
export function runNegotiator(
  stack: EngineStack,
  page: EnginePage,
  config: Record<string, unknown>,
  transport?: 'auto' | 'livekit' | 'websocket',
): Promise<RunOutcome> {
  return page.evaluate(
    ([c, t]) => window.neg.run(c as never, t ? { transport: t as never } : {}),
    [
      {
        apiKey: stack.apiKey,
        characterId: 'char-engines',
        url: stack.backend.url,
        backendRetries: 0,
        connectTimeoutMs: 10_000,
        negotiation: { cache: false, probeDeadlineMs: 1_500 },
        ...config,
      },
      transport,
    ] as const,
  );
}

export function runProbe(page: EnginePage, input: PageProbeInput): Promise<PageProbeOutput> {
  return page.evaluate((i) => window.runProbe(i), input);
}

/**
 * Forced WebSocket on the WebSocket page: connect, a text round trip, the fake mic's PCM at
 * the bot, the bot's tone heard on the bot track, then a disconnect that leaves no
 * AudioContext, mic track or socket open.
 */
export async function converseOverWebSocket(stack: EngineStack, page: EnginePage, who: string): Promise<PipecatBotSessionStats> {
  const before = stack.bot.sessions.length;
  const connected = await page.evaluate((c) => window.ws.connect(c as never), {
    apiKey: stack.apiKey,
    characterId: 'char-engines',
    url: stack.backend.url,
    transport: 'websocket',
    backendRetries: 0,
  });
  expect(connected).toEqual({ ok: true });
  const stats = await until(() => stack.bot.sessions.length > before && stack.bot.sessions.at(-1), 'a bot session');
  await page.evaluate((t) => window.ws.send(t), `hello from ${who}`);
  expect(await page.evaluate((t) => window.ws.waitForChat(t, 8_000), `You said: hello from ${who}`)).toBe(true);
  expect(stats.texts).toEqual([`hello from ${who}`]);
  // mic audio: 16 kHz PCM16 frames of 256 samples, as in Chromium
  await until(() => stats.micFrames >= 20, 'mic frames at the bot');
  expect(stats.micSampleRate).toBe(16_000);
  expect(stats.micBytes).toBe(stats.micFrames * 512);
  // bot audio: the reply's tone is played; a loaded machine may miss the first one (see
  // websocket-client.test.ts), so ask again a few times
  let asked = 0;
  let lastAsk = Date.now();
  await until(async () => {
    if ((await page.evaluate(() => window.ws.botPeak(), undefined)) > 0.1) return true;
    if (Date.now() - lastAsk > 2_000 && asked < 4) {
      asked += 1;
      lastAsk = Date.now();
      await page.evaluate((t) => window.ws.send(t), `tone please ${asked}`);
    }
    return false;
  }, 'bot audio on the bot track', 15_000);
  expect(await page.evaluate(() => window.ws.errors(), undefined)).toEqual([]);
  await page.evaluate(() => window.ws.disconnect(), undefined);
  await until(async () => {
    const l = await page.evaluate(() => window.ws.leftovers(), undefined);
    return l.openAudioContexts === 0 && l.liveMicTracks === 0 && l.openSockets === 0;
  }, 'every AudioContext, mic track and socket to close');
  return stats;
}
