import type { CDPSession } from 'playwright-core';
import { NEGOTIATION_DEFAULTS } from '../src/index.js';
import type { ProbeInput } from './pages/bench-page.js';
import { openBenchBrowser, startBenchStack } from './stack.js';
import { round, summarize, type Summary } from './stats.js';

export interface ResourceResult {
  readonly probes: number;
  readonly verdicts: Record<string, number>;
  /** Peer connections the probes created, close() calls, and any still open and reachable. */
  readonly peerConnections: { readonly created: number; readonly closeCalls: number; readonly openAlive: number };
  /** JS heap after a forced GC, before and after the run (bytes). */
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  readonly heapGrowthBytes: number;
  readonly probeMs: Summary;
}

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  // twice: the first pass can leave objects whose finalizers free more on the second
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  return usage.usedSize;
}

/**
 * Chromium refuses a page's 501st RTCPeerConnection ("Cannot create so many
 * PeerConnections"), and closed ones count until they are garbage-collected. The probe
 * opens ~6 per run, so ~83 back-to-back probes with no GC in between hit the cap (measured).
 * A GC between batches frees them only if nothing still holds them: a leak would hit the
 * cap anyway and show as failed verdicts.
 */
const BATCH = 50;

/**
 * 5. Many probes in one page: every peer connection closed and collectable, and the heap
 * back where it was. A short warm-up first, so code compiled and caches filled on first
 * use do not count as growth.
 */
export async function benchProbeResources(count: number, log: (line: string) => void): Promise<ResourceResult> {
  const stack = await startBenchStack();
  try {
    const browser = await openBenchBrowser(stack, 'plain', ['--js-flags=--expose-gc']);
    try {
      const page = await browser.openPage();
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('HeapProfiler.enable');
      const input: ProbeInput = { iceServers: stack.iceServers('full'), deadlineMs: NEGOTIATION_DEFAULTS.probeDeadlineMs };
      await page.evaluate((i) => window.bench.probeLoop(i, 10), input);
      const heapBeforeBytes = await heapAfterGc(cdp);
      const pcBefore = await page.evaluate(() => window.bench.peerConnections());
      const durations: number[] = [];
      const verdicts: Record<string, number> = {};
      for (let done = 0; done < count; done += BATCH) {
        await heapAfterGc(cdp);
        const batch = await page.evaluate(([i, n]) => window.bench.probeLoop(i, n), [input, Math.min(BATCH, count - done)] as const);
        durations.push(...batch.durations);
        for (const [k, n] of Object.entries(batch.verdicts)) verdicts[k] = (verdicts[k] ?? 0) + n;
      }
      const heapAfterBytes = await heapAfterGc(cdp);
      const pcAfter = await page.evaluate(() => window.bench.peerConnections());
      const result: ResourceResult = {
        probes: count,
        verdicts,
        peerConnections: {
          created: pcAfter.created - pcBefore.created,
          closeCalls: pcAfter.closeCalls - pcBefore.closeCalls,
          openAlive: pcAfter.openAlive,
        },
        heapBeforeBytes,
        heapAfterBytes,
        heapGrowthBytes: heapAfterBytes - heapBeforeBytes,
        probeMs: summarize(durations),
      };
      log(
        `    ${count} probes: ${result.peerConnections.created} peer connections, ${result.peerConnections.openAlive} open; ` +
          `heap ${round(heapBeforeBytes / 1024)} -> ${round(heapAfterBytes / 1024)} KB`,
      );
      return result;
    } finally {
      await browser.close();
    }
  } finally {
    await stack.stop();
  }
}
