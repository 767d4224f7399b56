import { benchConnect, MADE_AHEAD_MS, type ConnectBenchResult } from './connect-timing.js';
import { openBenchBrowser, startBenchStack } from './stack.js';

/**
 * 1. Healthy network: `connect()` to `botReady`, forced `livekit` (the baseline) against
 * `auto` on a first visit (backend call, probe, connect) and `auto` with a remembered
 * verdict (localStorage, as a returning visitor has it).
 */
export async function benchNegotiationOverhead(rounds: number, log: (line: string) => void): Promise<ConnectBenchResult> {
  const stack = await startBenchStack({ roomProcess: true });
  try {
    const browser = await openBenchBrowser(stack, 'plain');
    try {
      return await benchConnect(
        browser,
        stack,
        [
          { name: 'livekit (forced)', transport: 'livekit', cache: 'none' },
          { name: 'auto, first visit', transport: 'auto', cache: 'none' },
          { name: 'auto, remembered verdict', transport: 'auto', cache: 'local' },
        ],
        rounds,
        log,
        { madeAheadMs: MADE_AHEAD_MS },
      );
    } finally {
      await browser.close();
    }
  } finally {
    await stack.stop();
  }
}
