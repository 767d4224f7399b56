import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { wsEchoService } from '../../examples/backend/ws-echo.js';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { createNetns, type Netns } from '../support/netns.js';
import type { PageProbeInput, PageProbeOutput } from './probe-page.js';

// UDP silently dropped for real: Chromium runs inside a network namespace whose veth drops
// every UDP packet (nft netdev, both directions); coturn and the backend run on the root side.
let ns: Netns;
let turn: Coturn;
let backend: Backend;
let browser: LaunchedBrowser;
let script: string;

beforeAll(async () => {
  ns = await createNetns({ drop: ['udp'] });
  turn = await startCoturn({ host: ns.rootIp });
  backend = await startBackend({ apiKey: 'k', host: ns.rootIp, services: [wsEchoService()] });
  // the page server listens on the root side's loopback, which the namespace cannot reach:
  // inject the bundled page instead of loading it over the network
  const built = await esbuild.build({ entryPoints: ['test/e2e/probe-page.ts'], bundle: true, format: 'iife', write: false, target: 'es2022', logLevel: 'silent' });
  script = built.outputFiles[0]!.text;
  browser = await launchChromium({ executablePath: ns.chromiumPath, excludeHosts: [ns.rootIp] });
});

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  await turn?.stop();
  await ns?.close();
});

async function openPage(): Promise<Page> {
  const page = await browser.browser.newPage();
  await page.setContent('<!doctype html><title>probe</title>');
  await page.addScriptTag({ content: script });
  return page;
}

function run(page: Page, input: PageProbeInput): Promise<PageProbeOutput> {
  return page.evaluate((i) => window.runProbe(i), input);
}

const cred = (): { username: string; credential: string } => ({ username: turn.username, credential: turn.password });

describe('probe() in Chromium behind a real silent UDP drop (netns + nft)', () => {
  it('TURN over TCP still works: webrtc-relay-tcp, UDP servers time out at our deadline', async () => {
    const page = await openPage();
    const out = await run(page, { iceServers: [{ urls: turn.stunUrl }, { urls: [turn.turnUdpUrl, turn.turnTcpUrl], ...cred() }], deadlineMs: 8000 });
    expect(out.report.verdict).toBe('webrtc-relay-tcp');
    expect(out.report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'STUN_TIMEOUT', 'TURN_TCP_ONLY']));
    const byUrl = Object.fromEntries(out.report.checks.gathering.data.servers.map((s) => [s.url, s.outcome]));
    expect(byUrl[turn.stunUrl]).toBe('timeout');
    expect(byUrl[turn.turnUdpUrl]).toBe('timeout');
    expect(byUrl[turn.turnTcpUrl]).toBe('ok');
    expect(out.report.checks.connectivity.data).toMatchObject({ ok: true, via: 'tcp' });
    // correctness bound: decided by us (UDP grace after the TCP relay, or the deadline), not by
    // Chromium's ~40 s STUN give-up (docs/ARCHITECTURE.md, "Chromium")
    expect(out.report.durationMs).toBeLessThan(out.report.deadlineMs + 1000);
    expect(out.peers.open).toBe(0);
    await page.close();
  });

  it("policy 'all' with STUN only (the negotiator's no-TURN path): websocket, not webrtc", async () => {
    const page = await openPage();
    const out = await run(page, { iceServers: [{ urls: turn.stunUrl }], policy: 'all', deadlineMs: 2000 });
    expect(out.report.verdict).toBe('websocket');
    expect(out.report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'STUN_TIMEOUT']));
    expect(out.peers.open).toBe(0);
    await page.close();
  });

  it('only UDP servers: websocket with UDP_BLOCKED, the WebSocket answers over TCP', async () => {
    const page = await openPage();
    const out = await run(page, {
      iceServers: [{ urls: turn.stunUrl }, { urls: turn.turnUdpUrl, ...cred() }],
      wsUrl: `ws://${ns.rootIp}:${backend.port}/probe/ws`,
      deadlineMs: 2000,
    });
    expect(out.report.verdict).toBe('websocket');
    expect(out.report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'STUN_TIMEOUT', 'NO_RELAY_CANDIDATES']));
    expect(out.report.checks.websocket?.data.outcome).toBe('answered');
    expect(out.report.durationMs).toBeLessThan(out.report.deadlineMs + 1000);
    expect(out.peers.open).toBe(0);
    expect(out.sockets.open).toBe(0);
    await page.close();
  });
});
