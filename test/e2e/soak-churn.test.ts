import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransportPreference } from '../../src/index.js';
import { openBenchBrowser, startBenchStack, type BenchBrowser, type BenchStack } from '../../bench/stack.js';
import { churn, NOTHING_OPEN, openCdp, openCounts, soakConfig } from '../reliability/soak-driver.js';

/**
 * A short churn in real Chromium against the local stack (coturn, `/connect`, the
 * LiveKit room, the Pipecat bot): one client connected and disconnected 10 times per
 * transport, a text round trip in each cycle, mic on. Fails on any peer connection,
 * socket, AudioContext, mic track or interval left open, and on any message lost or
 * answered twice. The long runs (100 cycles, a 15-minute conversation, heap) are
 * `npm run bench -- --only soak`.
 */

const CYCLES = 10;
let stack: BenchStack;
let browser: BenchBrowser | undefined;

beforeAll(async () => {
  stack = await startBenchStack({ page: 'test/reliability/soak-page.ts' });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const config = (transport: TransportPreference) => soakConfig(stack, transport, { probeDeadlineMs: 5_000 });

describe(`churn: ${CYCLES} connect/round trip/disconnect cycles of one client`, () => {
  const cases: { name: string; transport: TransportPreference; expected: string; mode: 'plain' | 'udp-flag' }[] = [
    { name: 'livekit', transport: 'livekit', expected: 'livekit', mode: 'plain' },
    { name: 'websocket', transport: 'websocket', expected: 'websocket', mode: 'plain' },
    { name: 'auto', transport: 'auto', expected: 'livekit', mode: 'plain' },
    // UDP refused by the browser policy and no TURN/TCP offered: the probe's answer is conclusive
    { name: 'auto-fallback', transport: 'auto', expected: 'websocket', mode: 'udp-flag' },
  ];
  let mode: 'plain' | 'udp-flag' | undefined;
  it.each(cases)('$name: every cycle on $expected, every message answered once, nothing left open', async (c) => {
    if (mode !== c.mode) {
      await browser?.close();
      browser = await openBenchBrowser(stack, c.mode);
      mode = c.mode;
    }
    stack.offer = c.mode === 'udp-flag' ? 'udp-only' : 'full';
    const page = await browser!.openPage();
    try {
      const r = await churn(page, await openCdp(page), { name: c.name, transport: c.transport, cycles: CYCLES, config: config(c.transport) });
      expect(r.connectFailures).toEqual([]);
      expect(r.transports).toEqual({ [c.expected]: CYCLES });
      expect(r.tally).toEqual({ sent: CYCLES, answered: CYCLES, duplicated: 0, unexpected: 0, sendFailed: 0, unanswered: [], unansweredOnDataChannel: 0, late: [], pending: 0, reconnecting: 0 });
      // where a leftover interval was set, so a failure names its owner
      expect(r.intervalOwners).toEqual([]);
      expect(openCounts(r.leftovers)).toEqual(NOTHING_OPEN);
      // the counting can fail: every cycle opened a mic track and a socket of its own
      expect(r.leftovers.created.tracks).toBeGreaterThanOrEqual(CYCLES);
      expect(r.leftovers.created.sockets).toBeGreaterThanOrEqual(CYCLES);
      expect(r.errors).toEqual([]);
    } finally {
      await page.close();
      stack.offer = 'full';
    }
  });
});
