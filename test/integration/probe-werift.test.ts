import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RTCPeerConnection as WeriftPeerConnection } from 'werift';
import { WebSocket } from 'ws';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { wsEchoService, type WsEchoService } from '../../examples/backend/ws-echo.js';
import { probe, type ProbeOptions, type ProbeProgressEvent, type ProbeReport } from '../../probes/index.js';
import { weriftPeerConnection, type WeriftPeerConnectionClass } from '../../probes/node/werift-adapter.js';
import { startCoturn, type Coturn } from '../support/coturn.js';

/** werift behind the adapter, with a count of peer connections opened and not yet closed. */
function countingWerift(): { ctor: typeof RTCPeerConnection; stats: { created: number; open: number } } {
  const stats = { created: 0, open: 0 };
  const inner = weriftPeerConnection(WeriftPeerConnection as unknown as WeriftPeerConnectionClass, { bindAddress: '127.0.0.1' });
  function Counting(config: RTCConfiguration): unknown {
    const pc = new inner(config) as unknown as { close: () => unknown };
    stats.created += 1;
    stats.open += 1;
    let closed = false;
    const close = pc.close.bind(pc);
    pc.close = () => {
      if (!closed) stats.open -= 1;
      closed = true;
      return close();
    };
    return pc;
  }
  return { ctor: Counting as unknown as typeof RTCPeerConnection, stats };
}

function udpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWRAP').length;
}

let turn: Coturn;
let backend: Backend;
let echo: WsEchoService;
let hang: WsEchoService;
/** A UDP socket that reads and never answers: a STUN/TURN server behind a silent drop. */
let blackhole: Socket;
let blackholePort: number;

beforeAll(async () => {
  turn = await startCoturn();
  echo = wsEchoService();
  hang = wsEchoService({ path: '/probe/hang', hang: true });
  backend = await startBackend({ apiKey: 'k', services: [echo, hang] });
  blackhole = createSocket('udp4');
  await new Promise<void>((resolve) => blackhole.bind(0, '127.0.0.1', () => resolve()));
  blackholePort = blackhole.address().port;
});

afterAll(async () => {
  await backend?.stop();
  await turn?.stop();
  blackhole?.close();
});

const wsBase = (): string => backend.url.replace('http:', 'ws:');
const cred = (): { username: string; credential: string } => ({ username: turn.username, credential: turn.password });

function expectNoSecrets(report: ProbeReport, events: ProbeProgressEvent[] = []): void {
  const text = JSON.stringify(report) + JSON.stringify(events);
  expect(text).not.toContain(turn.password);
}

describe('probe() in Node with werift against a real coturn', () => {
  it('healthy network: every server answers, the relay carries data, verdict webrtc', async () => {
    const { ctor, stats } = countingWerift();
    const events: ProbeProgressEvent[] = [];
    const report = await probe({
      iceServers: [{ urls: turn.stunUrl }, { urls: [turn.turnUdpUrl, turn.turnTcpUrl], ...cred() }],
      RTCPeerConnection: ctor,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      wsUrl: `${wsBase()}/probe/ws`,
      thorough: true,
      // generous: a loaded CI box must not turn a healthy network into a timeout
      deadlineMs: 10_000,
      onProgress: (e) => events.push(e),
    });
    expect(report.verdict, JSON.stringify(report.checks.gathering)).toBe('webrtc');
    expect(report.reasons).toEqual([]);
    const outcomes = report.checks.gathering.data.servers.map((s) => [s.kind, s.transport, s.outcome]);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        ['host', 'udp', 'ok'],
        ['stun', 'udp', 'ok'],
        ['turn', 'udp', 'ok'],
        ['turn', 'tcp', 'ok'],
      ]),
    );
    expect(report.checks.connectivity.data).toMatchObject({ ok: true, via: 'udp' });
    expect(report.checks.connectivity.data.rttMs).toBeGreaterThanOrEqual(0);
    expect(report.checks.websocket?.data.outcome).toBe('answered');
    const checks = events.flatMap((e) => (e.type === 'check' ? [`${e.check}:${e.status}`] : []));
    expect(checks).toEqual(
      expect.arrayContaining(['capability:running', 'capability:success', 'ice-gathering:success', 'connectivity:success', 'websocket:success']),
    );
    expect(events.at(-1)).toMatchObject({ type: 'verdict', verdict: 'webrtc' });
    // capability 1, gatherers 4 (host, STUN, TURN/UDP, TURN/TCP), connectivity 2
    expect(stats.created).toBe(1 + 4 + 2);
    expect(stats.open).toBe(0);
    await vi.waitFor(() => expect(echo.openSockets()).toBe(0));
    expectNoSecrets(report, events);
    // the report survives a JSON round trip unchanged: it is data, not objects
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('stops gathering early once a UDP relay works (the negotiator mode)', async () => {
    const { ctor, stats } = countingWerift();
    const report = await probe({
      iceServers: [{ urls: turn.turnUdpUrl, ...cred() }, { urls: `stun:127.0.0.1:${blackholePort}` }],
      RTCPeerConnection: ctor,
    });
    expect(report.verdict).toBe('webrtc');
    expect(report.checks.gathering.data.early).toBe(true);
    const stun = report.checks.gathering.data.servers.find((s) => s.kind === 'stun');
    expect(stun?.outcome).toBe('cancelled');
    expect(stats.open).toBe(0);
  });

  it('hostCandidates: false leaves out the host lane and its peer connection; the verdict is the same', async () => {
    const { ctor, stats } = countingWerift();
    const iceServers = [{ urls: turn.turnUdpUrl, ...cred() }];
    const report = await probe({ iceServers, RTCPeerConnection: ctor, hostCandidates: false });
    expect(report.verdict).toBe('webrtc');
    expect(report.checks.gathering.data.servers.map((s) => s.kind)).toEqual(['turn']);
    // capability 1, the TURN gatherer 1, connectivity 2
    expect(stats.created).toBe(1 + 1 + 2);
    const withHost = await probe({ iceServers, RTCPeerConnection: ctor });
    expect(withHost.checks.gathering.data.servers.map((s) => s.kind)).toContain('host');
    expect(stats.open).toBe(0);
  });

  it('WebRTC works: a hanging WebSocket check is dropped (skipped) instead of holding the verdict', async () => {
    const { ctor, stats } = countingWerift();
    const report = await probe({
      iceServers: [{ urls: turn.turnUdpUrl, ...cred() }],
      RTCPeerConnection: ctor,
      wsUrl: `${wsBase()}/probe/hang`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      // far beyond the test timeout: only dropping the WebSocket check lets the probe settle
      deadlineMs: 600_000,
    });
    expect(report.verdict).toBe('webrtc');
    expect(report.reasons).toEqual([]);
    expect(report.checks.websocket).toMatchObject({ status: 'skipped', data: { outcome: 'cancelled' } });
    expect(stats.open).toBe(0);
    await vi.waitFor(() => expect(hang.openSockets()).toBe(0));
  });

  it('only TURN over TCP configured: webrtc-relay-tcp with TURN_TCP_ONLY', async () => {
    const { ctor, stats } = countingWerift();
    const report = await probe({ iceServers: [{ urls: turn.turnTcpUrl, ...cred() }], RTCPeerConnection: ctor });
    expect(report.verdict).toBe('webrtc-relay-tcp');
    expect(report.reasons).toContain('TURN_TCP_ONLY');
    expect(report.checks.connectivity.data).toMatchObject({ ok: true, via: 'tcp' });
    expect(stats.open).toBe(0);
  });

  it('TURN/TCP works and TURN/UDP is silent: UDP gets a grace period, not the whole deadline', async () => {
    const { ctor, stats } = countingWerift();
    const report = await probe({
      iceServers: [{ urls: [`turn:127.0.0.1:${blackholePort}?transport=udp`, turn.turnTcpUrl], ...cred() }],
      RTCPeerConnection: ctor,
      // far beyond the test timeout: only the grace period can end gathering
      deadlineMs: 600_000,
    });
    expect(report.verdict).toBe('webrtc-relay-tcp');
    expect(report.checks.gathering.data.early).toBe(true);
    expect(report.checks.gathering.data.servers.find((s) => s.transport === 'udp' && s.kind === 'turn')?.outcome).toBe('timeout');
    expect(report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'TURN_TCP_ONLY']));
    expect(stats.open).toBe(0);
  });

  it('wrong TURN password: TURN_AUTH_FAILED (not UDP_BLOCKED), no credential in the report', async () => {
    const { ctor, stats } = countingWerift();
    const report = await probe({
      iceServers: [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: 'not-the-password' }],
      RTCPeerConnection: ctor,
    });
    expect(report.verdict).toBe('websocket');
    expect(report.reasons).toContain('TURN_AUTH_FAILED');
    expect(report.reasons).not.toContain('UDP_BLOCKED');
    for (const s of report.checks.gathering.data.servers.filter((r) => r.kind === 'turn')) {
      expect(s.outcome).toBe('auth-failed');
      expect(s.errors[0]?.code).toBe(401);
    }
    expect(JSON.stringify(report)).not.toContain('not-the-password');
    expect(stats.open).toBe(0);
  });

  it('a silent STUN/TURN server: verdict at the deadline with STUN_TIMEOUT and UDP_BLOCKED', async () => {
    const { ctor, stats } = countingWerift();
    const report = await probe({
      iceServers: [{ urls: `stun:127.0.0.1:${blackholePort}` }, { urls: `turn:127.0.0.1:${blackholePort}?transport=udp`, ...cred() }],
      RTCPeerConnection: ctor,
      deadlineMs: 800,
    });
    expect(report.verdict).toBe('websocket');
    expect(report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'STUN_TIMEOUT', 'NO_RELAY_CANDIDATES']));
    expect(report.checks.gathering.data.servers.filter((s) => s.kind !== 'host').map((s) => s.outcome)).toEqual(['timeout', 'timeout']);
    // werift's own STUN timeout is 5 s (docs/ARCHITECTURE.md, "werift"): the verdict came from our deadline, not from it
    expect(report.durationMs).toBeLessThan(5_000);
    expect(stats.open).toBe(0);
  });

  it('no RTCPeerConnection (plain Node): immediate verdict from the WebSocket check alone', async () => {
    expect((globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection).toBeUndefined();
    const report = await probe({
      iceServers: [{ urls: turn.turnUdpUrl, ...cred() }],
      wsUrl: `${wsBase()}/probe/ws`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    expect(report.verdict).toBe('websocket');
    expect(report.reasons).toEqual(['NO_RTCPEERCONNECTION']);
    expect(report.checks.gathering.status).toBe('skipped');
    expect(report.checks.connectivity.status).toBe('skipped');
  });

  it('WebSocket that opens and never answers: WS_HANG; closed port: WS_FAILED; both give none without WebRTC', async () => {
    const ws = WebSocket as unknown as typeof globalThis.WebSocket;
    const hung = await probe({ iceServers: [], wsUrl: `${wsBase()}/probe/hang`, WebSocket: ws, deadlineMs: 500 });
    expect(hung.verdict).toBe('none');
    expect(hung.reasons).toContain('WS_HANG');
    expect(hung.checks.websocket?.data.openMs).toBeGreaterThanOrEqual(0);
    await vi.waitFor(() => expect(hang.openSockets()).toBe(0));
    const failed = await probe({ iceServers: [], wsUrl: `ws://127.0.0.1:${blackholePort}/x`, WebSocket: ws, deadlineMs: 2000 });
    expect(failed.verdict).toBe('none');
    expect(failed.reasons).toContain('WS_FAILED');
  });

  it('abort mid-probe: settles with ABORTED and closes every peer connection and UDP socket', async () => {
    const { ctor, stats } = countingWerift();
    const controller = new AbortController();
    const before = udpSockets();
    const options: ProbeOptions = {
      iceServers: [{ urls: `stun:127.0.0.1:${blackholePort}` }, { urls: `turn:127.0.0.1:${blackholePort}?transport=udp`, ...cred() }],
      RTCPeerConnection: ctor,
      wsUrl: `${wsBase()}/probe/hang`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      // far beyond the test timeout: if the probe settles, the abort did it
      deadlineMs: 600_000,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === 'candidate') controller.abort();
      },
    };
    const report = await probe(options);
    expect(report.verdict).toBe('none');
    expect(report.reasons).toEqual(['ABORTED']);
    expect(report.checks.gathering.status).toBe('aborted');
    expect(report.checks.websocket?.status).toBe('aborted');
    expect(stats.created).toBeGreaterThan(0);
    expect(stats.open).toBe(0);
    await vi.waitFor(() => expect(hang.openSockets()).toBe(0));
    await vi.waitFor(() => expect(udpSockets()).toBeLessThanOrEqual(before));
  });

  it('an RTCPeerConnection that throws when constructed (WebRTC disabled by policy): NO_RTCPEERCONNECTION', async () => {
    const Disabled = function () {
      throw new Error('WebRTC is disabled');
    } as unknown as typeof RTCPeerConnection;
    const report = await probe({ iceServers: [{ urls: turn.turnUdpUrl, ...cred() }], RTCPeerConnection: Disabled });
    expect(report.verdict).toBe('websocket');
    expect(report.reasons).toEqual(['NO_RTCPEERCONNECTION']);
    expect(report.checks.capability.error).toContain('WebRTC is disabled');
  });

  it('an already aborted signal: no peer connection is ever created', async () => {
    const { ctor, stats } = countingWerift();
    const report = await probe({ iceServers: [{ urls: turn.stunUrl }], RTCPeerConnection: ctor, signal: AbortSignal.abort() });
    expect(report.reasons).toContain('ABORTED');
    expect(stats.created).toBe(0);
  });
});
