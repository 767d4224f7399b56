import { createSocket, type Socket } from 'node:dgram';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { wsEchoService } from '../../examples/backend/ws-echo.js';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import type { PageProbeInput, PageProbeOutput } from './probe-page.js';

let turn: Coturn;
let pages: PageServer;
let backend: Backend;
let blackhole: Socket;
let blackholePort: number;

beforeAll(async () => {
  turn = await startCoturn();
  backend = await startBackend({ apiKey: 'k', services: [wsEchoService(), wsEchoService({ path: '/probe/hang', hang: true })] });
  pages = await startPageServer({ entries: { app: 'test/e2e/probe-page.ts' } });
  blackhole = createSocket('udp4');
  await new Promise<void>((resolve) => blackhole.bind(0, '127.0.0.1', () => resolve()));
  blackholePort = blackhole.address().port;
});

afterAll(async () => {
  await pages?.stop();
  await backend?.stop();
  await turn?.stop();
  blackhole?.close();
});

const cred = (): { username: string; credential: string } => ({ username: turn.username, credential: turn.password });
const wsUrl = (path = '/probe/ws'): string => `${backend.url.replace('http:', 'ws:')}${path}`;

async function openPage(browser: LaunchedBrowser): Promise<Page> {
  const page = await browser.browser.newPage();
  await page.goto(pages.url);
  await page.waitForFunction(() => typeof window.runProbe === 'function');
  return page;
}

function run(page: Page, input: PageProbeInput): Promise<PageProbeOutput> {
  return page.evaluate((i) => window.runProbe(i), input);
}

describe('probe() in Chromium, UDP allowed', () => {
  let browser: LaunchedBrowser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('host gathering: UDP host candidates; its peer connection is closed', async () => {
    const page = await openPage(browser);
    const out = await page.evaluate(() => window.runHostGathering());
    expect(out).toMatchObject({ answer: 'udp', peers: { created: 1, open: 0 } });
    expect(await page.evaluate(() => window.runHostGathering(true))).toMatchObject({ answer: 'unknown', peers: { open: 0 } });
    await page.close();
  });

  it('healthy: verdict webrtc, relay carries data, WebSocket answers, everything closed', async () => {
    const page = await openPage(browser);
    const out = await run(page, {
      iceServers: [{ urls: turn.stunUrl }, { urls: [turn.turnUdpUrl, turn.turnTcpUrl], ...cred() }],
      wsUrl: wsUrl(),
      thorough: true,
      // generous: a loaded CI box must not turn a healthy network into a timeout
      deadlineMs: 10_000,
    });
    expect(out.report.verdict).toBe('webrtc');
    expect(out.report.reasons).toEqual([]);
    const turnResults = out.report.checks.gathering.data.servers.filter((s) => s.kind === 'turn');
    expect(turnResults.map((s) => [s.transport, s.outcome])).toEqual([
      ['udp', 'ok'],
      ['tcp', 'ok'],
    ]);
    // Chromium's own relayProtocol: TURN/TCP relays say tcp
    expect(turnResults[1]?.candidates.find((c) => c.type === 'relay')?.relayProtocol).toBe('tcp');
    expect(out.report.checks.connectivity.data).toMatchObject({ ok: true, via: 'udp' });
    expect(out.report.checks.websocket?.data.outcome).toBe('answered');
    expect(out.peers.created).toBeGreaterThanOrEqual(6);
    expect(out.peers.open).toBe(0);
    expect(out.sockets.open).toBe(0);
    expect(out.text).toContain('Verdict: webrtc');
    expect(JSON.stringify(out)).not.toContain(turn.password);
    await page.close();
  });

  it("policy 'all' with STUN only on loopback: the deduplicated srflx still counts, verdict webrtc", async () => {
    const page = await openPage(browser);
    const out = await run(page, { iceServers: [{ urls: turn.stunUrl }], policy: 'all', deadlineMs: 10_000 });
    expect(out.report.verdict).toBe('webrtc');
    // no NAT: libwebrtc drops the srflx equal to the host candidate (docs/ARCHITECTURE.md, "Chromium")
    expect(out.report.checks.gathering.data.servers.find((s) => s.kind === 'stun')?.outcome).toMatch(/^(ok|no-srflx)$/);
    expect(out.report.checks.connectivity.data.ok).toBe(true);
    expect(out.peers.open).toBe(0);
    await page.close();
  });

  it('wrong TURN password: TURN_AUTH_FAILED from icecandidateerror 401', async () => {
    const page = await openPage(browser);
    const out = await run(page, { iceServers: [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: 'wrong-password-1' }] });
    expect(out.report.verdict).toBe('websocket');
    expect(out.report.reasons).toContain('TURN_AUTH_FAILED');
    expect(out.report.reasons).not.toContain('UDP_BLOCKED');
    expect(out.report.checks.gathering.data.servers.filter((s) => s.kind === 'turn').map((s) => s.errors[0]?.code)).toEqual([401, 401]);
    expect(JSON.stringify(out)).not.toContain('wrong-password-1');
    expect(out.peers.open).toBe(0);
    await page.close();
  });

  it('no RTCPeerConnection: immediate verdict, no peer connection, WebSocket decides', async () => {
    const page = await openPage(browser);
    const out = await run(page, { iceServers: [{ urls: turn.turnUdpUrl, ...cred() }], noPeerConnection: true, wsUrl: wsUrl() });
    expect(out.report.verdict).toBe('websocket');
    expect(out.report.reasons).toEqual(['NO_RTCPEERCONNECTION']);
    expect(out.report.checks.gathering.status).toBe('skipped');
    expect(out.peers.created).toBe(0);
    expect(out.sockets.open).toBe(0);
    await page.close();
  });

  it('abort mid-probe: settles with ABORTED, every peer connection and socket closed', async () => {
    const page = await openPage(browser);
    const out = await run(page, {
      iceServers: [{ urls: `stun:127.0.0.1:${blackholePort}` }, { urls: `turn:127.0.0.1:${blackholePort}?transport=udp`, ...cred() }],
      wsUrl: wsUrl('/probe/hang'),
      // far beyond the test timeout: if it settles, the abort did it
      deadlineMs: 600_000,
      abortOnFirstCandidate: true,
    });
    expect(out.report.verdict).toBe('none');
    expect(out.report.reasons).toEqual(['ABORTED']);
    expect(out.report.checks.gathering.status).toBe('aborted');
    expect(out.peers.created).toBeGreaterThan(0);
    expect(out.peers.open).toBe(0);
    expect(out.sockets.created).toBe(1);
    expect(out.sockets.open).toBe(0);
    await page.close();
  });

  it('bad input: ConfigError naming the field, in the browser too', async () => {
    const page = await openPage(browser);
    const error = await page.evaluate(() => window.runProbeRaw({ iceServers: [{ urls: 'stun:ok' }, { urls: 'turn:host:3478?transport=quic', username: 'u', credential: 'p' }] }));
    expect(error).toMatchObject({ name: 'ConfigError', code: 'INVALID_CONFIG', field: 'iceServers[1].urls' });
    const deadline = await page.evaluate(() => window.runProbeRaw({ iceServers: [], deadlineMs: -5 }));
    expect(deadline).toMatchObject({ name: 'ConfigError', field: 'deadlineMs' });
    await page.close();
  });
});

describe('probe() in Chromium with UDP disabled (--webrtc-ip-handling-policy=disable_non_proxied_udp)', () => {
  let browser: LaunchedBrowser;
  beforeAll(async () => {
    browser = await launchChromium({ args: ['--webrtc-ip-handling-policy=disable_non_proxied_udp'] });
  });
  afterAll(async () => browser?.close());

  it('host gathering: none; its peer connection is closed', async () => {
    const page = await openPage(browser);
    const out = await page.evaluate(() => window.runHostGathering());
    expect(out).toMatchObject({ answer: 'none', peers: { created: 1, open: 0 } });
    await page.close();
  });

  it('with TURN over TCP configured: webrtc-relay-tcp, UDP_BLOCKED', async () => {
    const page = await openPage(browser);
    const out = await run(page, { iceServers: [{ urls: turn.stunUrl }, { urls: [turn.turnUdpUrl, turn.turnTcpUrl], ...cred() }], deadlineMs: 10_000 });
    expect(out.report.verdict).toBe('webrtc-relay-tcp');
    expect(out.report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'TURN_TCP_ONLY']));
    expect(out.report.checks.connectivity.data).toMatchObject({ ok: true, via: 'tcp' });
    expect(out.peers.open).toBe(0);
    await page.close();
  });

  it('without TURN over TCP: websocket with UDP_BLOCKED, within the deadline', async () => {
    const page = await openPage(browser);
    const out = await run(page, { iceServers: [{ urls: turn.stunUrl }, { urls: turn.turnUdpUrl, ...cred() }], wsUrl: wsUrl(), deadlineMs: 2000 });
    expect(out.report.verdict).toBe('websocket');
    expect(out.report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'NO_RELAY_CANDIDATES']));
    // a correctness bound, not a speed test: Chromium's own STUN give-up is ~40 s (docs/ARCHITECTURE.md, "Chromium")
    expect(out.report.durationMs).toBeLessThan(out.report.deadlineMs + 1000);
    expect(out.peers.open).toBe(0);
    expect(out.sockets.open).toBe(0);
    await page.close();
  });
});

describe('probe() in Chromium hiding host addresses (--webrtc-ip-handling-policy=default_public_interface_only)', () => {
  let browser: LaunchedBrowser;
  beforeAll(async () => {
    browser = await launchChromium({ args: ['--webrtc-ip-handling-policy=default_public_interface_only'] });
  });
  afterAll(async () => browser?.close());

  it('no host candidate, as with UDP refused, yet the TURN/UDP relay works: why host gathering is a hint, never a verdict', async () => {
    const page = await openPage(browser);
    expect(await page.evaluate(() => window.runHostGathering())).toMatchObject({ answer: 'none', peers: { open: 0 } });
    const out = await run(page, { iceServers: [{ urls: turn.turnUdpUrl, ...cred() }], deadlineMs: 10_000 });
    expect(out.report.verdict).toBe('webrtc');
    expect(out.peers.open).toBe(0);
    await page.close();
  });
});
