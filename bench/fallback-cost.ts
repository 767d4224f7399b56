import { benchConnect, MADE_AHEAD_MS, type ConnectBenchResult } from './connect-timing.js';
import { openBenchBrowser, startBenchStack, type BackendShape } from './stack.js';

export interface FallbackCostResult {
  /** UDP refused by Chromium's policy flag (`disable_non_proxied_udp`): fails fast. */
  readonly udpFlag: ConnectBenchResult;
  /** UDP silently dropped in a network namespace (nft netdev): only a deadline ends it. */
  readonly udpDropped: ConnectBenchResult;
  /**
   * (a) again with a backend that returns `ice_servers` in `/connect`: NOT Convai's shape.
   * Shown only to measure what learning the TURN servers from the LiveKit join costs.
   */
  readonly udpFlagIceInConnect?: ConnectBenchResult;
  /** (a) with the client made at connect(): nothing prepared ahead (`MADE_AHEAD_MS`). */
  readonly udpFlagMadeAtConnect?: ConnectBenchResult;
}

const VARIANTS = [
  { name: 'websocket (forced)', transport: 'websocket', cache: 'none' },
  { name: 'auto (falls back)', transport: 'auto', cache: 'none' },
] as const;

/**
 * 2. UDP unusable and no TURN/TCP offered: `auto` must end on WebSocket. Its extra cost
 * over a forced `websocket` is what it takes to learn that: the LiveKit `/connect`, the
 * LiveKit join that names the TURN servers (Convai's shape: `/connect` names none), the
 * evidence (the host hint, else the probe), then the WebSocket `/connect` and connect.
 * Both variants' clients are made `MADE_AHEAD_MS` before connect() (so the forced one has
 * its chunk loaded by then too), except in (a').
 */
export async function benchFallbackCost(rounds: number, log: (line: string) => void): Promise<FallbackCostResult> {
  log('  (a) UDP blocked by --webrtc-ip-handling-policy=disable_non_proxied_udp');
  const udpFlag = await scenario(false, rounds, log);
  log('  (b) UDP silently dropped in a network namespace');
  const udpDropped = await scenario(true, rounds, log);
  log("  (c) as (a), but /connect returns ice_servers (not Convai's shape)");
  const udpFlagIceInConnect = await scenario(false, rounds, log, 'ice-in-connect');
  log("  (a') as (a), the client made at connect()");
  const udpFlagMadeAtConnect = await scenario(false, rounds, log, 'convai', 0);
  return { udpFlag, udpDropped, udpFlagIceInConnect, udpFlagMadeAtConnect };
}

async function scenario(netns: boolean, rounds: number, log: (line: string) => void, shape: BackendShape = 'convai', madeAheadMs = MADE_AHEAD_MS): Promise<ConnectBenchResult> {
  const stack = await startBenchStack({ netns, shape, roomProcess: true });
  try {
    stack.offer = 'udp-only';
    const browser = await openBenchBrowser(stack, netns ? 'plain' : 'udp-flag');
    try {
      return await benchConnect(browser, stack, VARIANTS, rounds, log, { madeAheadMs });
    } finally {
      await browser.close();
    }
  } finally {
    await stack.stop();
  }
}
