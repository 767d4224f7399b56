import { chromium, type Browser } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface LaunchOptions {
  /** Extra flags, e.g. `--webrtc-ip-handling-policy=disable_non_proxied_udp`. */
  readonly args?: readonly string[];
  /** IPs (besides 127.0.0.1) that host resolution must leave alone, e.g. a TURN host in a netns. */
  readonly excludeHosts?: readonly string[];
  /** Another binary or wrapper script, e.g. one that runs Chromium in a netns (test/support/netns.ts). */
  readonly executablePath?: string;
}

export interface LaunchedBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * Chromium with the flags (docs/ARCHITECTURE.md, "Chromium") that keep all traffic on loopback:
 * no mDNS (WebRtcHideLocalIpsWithMdns), no DNS (host-resolver-rules), no
 * background networking; a fake mic and camera; a throwaway HOME.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const home = await mkdtemp(join(tmpdir(), 'chromium-home-'));
  const exclude = ['127.0.0.1', ...(options.excludeHosts ?? [])].map((h) => `EXCLUDE ${h}`).join(' , ');
  const browser = await chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM_PATH,
    headless: true,
    env: { ...process.env, HOME: home },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      `--host-resolver-rules=MAP * ~NOTFOUND , ${exclude}`,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      ...(options.args ?? []),
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
}
