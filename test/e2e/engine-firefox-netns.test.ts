import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchEngine, type Engine } from '../support/engine.js';
import { startEngineStack, type EngineStack } from '../support/engine-stack.js';
import { createNetns, type Netns } from '../support/netns.js';
import { runNegotiator, runProbe } from './engines/scenarios.js';

/**
 * Firefox behind a real silent UDP drop: Firefox runs inside a network namespace whose veth
 * drops every UDP packet (nft netdev, both directions), as Chromium does in
 * negotiator-netns.test.ts. coturn, the backend and the pages listen on the root side. The
 * namespace routes everything else to its guard, which counts what tried to leave.
 */

let ns: Netns;
let stack: EngineStack;
let firefox: Engine;

beforeAll(async () => {
  ns = await createNetns({ drop: ['udp'], defaultRoute: true });
  stack = await startEngineStack({ host: ns.rootIp, probeTurn: 'udp', extraPeerAddresses: [ns.rootIp] });
  // the pages' origin is not loopback: allow-list it as a secure context (getUserMedia, AudioWorklet)
  firefox = await launchEngine('firefox', { netns: ns, secureOrigins: [stack.servers.negotiator.url] });
}, 60_000);

afterAll(async () => {
  await firefox?.close();
  await stack?.stop();
  await ns?.close();
});

describe('Firefox inside a network namespace that silently drops UDP', () => {
  it('auto, no TURN/TCP: WebSocket (provisionally) at the probe deadline, loads the chunk, converses', async () => {
    const page = await stack.open(firefox, 'negotiator');
    const chunks = stack.chunkRequests();
    const outcome = await runNegotiator(stack, page, { negotiation: { cache: false, probeDeadlineMs: 1_000 } });
    // silence, not an answer: WebSocket now, the LiveKit attempt goes on (it cannot get through)
    expect(outcome).toMatchObject({ ok: true, transport: 'websocket', verdict: 'websocket', provisional: true });
    expect(outcome.reasons).toContain('UDP_BLOCKED');
    // a correctness bound, not a speed target: our deadline decided, not Firefox's own give-up
    expect(outcome.timings?.['probeMs']).toBeLessThan(1_000 + 5_000);
    expect(stack.chunkRequests()).toBe(chunks + 1);
    expect(await page.evaluate((t) => window.neg.converse(t), 'firefox behind the firewall')).toBe('You said: firefox behind the firewall');
    // disconnect() also ends the background LiveKit attempt
    await page.evaluate(() => window.neg.disconnect(), undefined);
    expect(await page.evaluate(() => window.neg.peerConnections().open, undefined)).toBe(0);
    await page.close();
  });

  it('probe, UDP servers only: websocket with UDP_BLOCKED, within the deadline, the WebSocket answers over TCP', async () => {
    const page = await stack.open(firefox, 'probe');
    const { turn } = stack;
    const out = await runProbe(page, {
      iceServers: [{ urls: turn.stunUrl }, { urls: turn.turnUdpUrl, username: turn.username, credential: turn.password }],
      wsUrl: `${stack.backend.url.replace('http:', 'ws:')}/probe/ws`,
      deadlineMs: 2_000,
    });
    expect(out.report.verdict).toBe('websocket');
    expect(out.report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'STUN_TIMEOUT', 'NO_RELAY_CANDIDATES']));
    expect(out.report.checks.websocket?.data.outcome).toBe('answered');
    expect(out.report.durationMs).toBeLessThan(out.report.deadlineMs + 1_000);
    expect(out.peers.open).toBe(0);
    expect(out.sockets.open).toBe(0);
    await page.close();
  });

  it('probe with TURN over TCP: webrtc-relay-tcp, the UDP servers time out at our deadline', async () => {
    const page = await stack.open(firefox, 'probe');
    const { turn } = stack;
    const out = await runProbe(page, {
      iceServers: [{ urls: turn.stunUrl }, { urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: turn.password }],
      deadlineMs: 8_000,
    });
    expect(out.report.verdict).toBe('webrtc-relay-tcp');
    expect(out.report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'TURN_TCP_ONLY']));
    expect(out.report.checks.connectivity.data).toMatchObject({ ok: true, via: 'tcp' });
    expect(out.report.durationMs).toBeLessThan(out.report.deadlineMs + 1_000);
    expect(out.peers.open).toBe(0);
    await page.close();
  });

  it('nothing in the namespace tried to reach any other host (DNS, telemetry, updates, mDNS)', () => {
    expect(ns.strayPackets()).toBe(0);
  });
});
