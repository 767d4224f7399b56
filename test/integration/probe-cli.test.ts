import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../probes/index.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { createNetns, type Netns } from '../support/netns.js';

const CLI = ['--import', 'tsx', 'probes/node/cli.ts', 'probe'];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function collect(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

function cli(args: readonly string[]): Promise<Run> {
  return collect(spawn(process.execPath, [...CLI, ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] }));
}

let turn: Coturn;
/** A second coturn whose password has commas, quotes and a non-ASCII letter (items 6 and 14). */
let commaTurn: Coturn;
const COMMA_PASSWORD = 'CLI-SECRET,with,commas "q" ü';
let blackhole: Socket;
let blackholePort: number;

beforeAll(async () => {
  turn = await startCoturn();
  commaTurn = await startCoturn({ password: COMMA_PASSWORD });
  blackhole = createSocket('udp4');
  await new Promise<void>((resolve) => blackhole.bind(0, '127.0.0.1', () => resolve()));
  blackholePort = blackhole.address().port;
});

afterAll(async () => {
  await turn?.stop();
  await commaTurn?.stop();
  blackhole?.close();
});

describe('convai-transport probe (CLI, werift)', () => {
  it('healthy loopback: exit 0, JSON report on stdout, progress on stderr, no credential anywhere', async () => {
    const run = await cli([
      '--ice-server', turn.stunUrl,
      '--ice-server', `${turn.turnUdpUrl},${turn.username},${turn.password}`,
      '--ice-server', `${turn.turnTcpUrl},${turn.username},${turn.password}`,
      '--bind', '127.0.0.1', '--deadline', '10000', '--json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ProbeReport;
    expect(report.verdict).toBe('webrtc');
    expect(report.checks.gathering.data.servers.every((s) => s.outcome === 'ok')).toBe(true);
    expect(run.stderr).toMatch(/verdict: webrtc/);
    expect(run.stderr).toMatch(/ice-gathering: success/);
    expect(run.stdout + run.stderr).not.toContain(turn.password);
  });

  it('prints the readable report without --json', async () => {
    const run = await cli(['--ice-server', `${turn.turnTcpUrl},${turn.username},${turn.password}`, '--bind', '127.0.0.1', '--deadline', '10000']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Verdict: webrtc-relay-tcp/);
    expect(run.stdout).toContain('TURN_TCP_ONLY');
  });

  it('bad input: exit 2 and the field named, before any network activity', async () => {
    const run = await cli(['--ice-server', 'stun:127.0.0.1', '--ice-server', 'turn:127.0.0.1:3478?transport=quic,u,p']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('iceServers[1].urls');
    const deadline = await cli(['--ice-server', 'stun:127.0.0.1', '--deadline=-1']);
    expect(deadline.code).toBe(2);
    expect(deadline.stderr).toContain('deadlineMs');
  });

  it('a credential with commas: only the first two commas split URL, username and credential', async () => {
    const run = await cli(['--ice-server', `${commaTurn.turnUdpUrl},${commaTurn.username},${COMMA_PASSWORD}`, '--bind', '127.0.0.1', '--deadline', '10000', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as ProbeReport;
    expect(report.verdict).toBe('webrtc');
    expect(report.checks.gathering.data.servers.find((s) => s.url === commaTurn.turnUdpUrl)?.outcome).toBe('ok');
    expect(run.stdout + run.stderr).not.toContain('CLI-SECRET');
  });

  it.each([
    ['userinfo in the URL', 'turn:alice:CLI-SECRET-1@127.0.0.1:3478,alice,CLI-SECRET-1'],
    ['a password where the port goes', 'turn:alice:CLI-SECRET-2,alice,CLI-SECRET-2'],
    ['a bad transport', 'turn:127.0.0.1:3478?transport=CLI-SECRET-3,alice,CLI-SECRET-3'],
  ])('bad input with %s: exit 2, and the known secret is never echoed', async (_what, spec) => {
    const run = await cli(['--ice-server', spec]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/iceServers\[0\]/);
    expect(run.stdout + run.stderr).not.toContain('CLI-SECRET');
  });

  it('STUN only: probes with policy all as the negotiator does, says what that proves, exit 0', async () => {
    const run = await cli(['--ice-server', turn.stunUrl, '--bind', '127.0.0.1', '--deadline', '5000']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^Verdict: webrtc/);
    expect(run.stdout).toContain('policy all');
    expect(run.stdout).toMatch(/STUN only.*cannot show that a TURN relay works/s);
    const json = await cli(['--ice-server', turn.stunUrl, '--bind', '127.0.0.1', '--deadline', '5000', '--json']);
    expect((JSON.parse(json.stdout) as ProbeReport).policy).toBe('all');
    expect(json.stderr).toMatch(/STUN only/);
  });

  it('an explicit --policy relay with STUN only is kept, and nothing shown to work means exit 1', async () => {
    const run = await cli(['--ice-server', turn.stunUrl, '--policy', 'relay', '--bind', '127.0.0.1', '--deadline', '2000', '--json']);
    const report = JSON.parse(run.stdout) as ProbeReport;
    expect(report.policy).toBe('relay');
    expect(report.verdict).toBe('websocket');
    // 'websocket' here only means WebRTC was not shown to work: no WebSocket was tested
    expect(report.checks.websocket).toBeUndefined();
    expect(run.code).toBe(1);
  });

  it('nothing works: exit 1 with verdict none', async () => {
    const run = await cli([
      '--ice-server', `stun:127.0.0.1:${blackholePort}`,
      '--ws-url', `ws://127.0.0.1:${blackholePort}/probe/ws`,
      '--deadline', '800', '--bind', '127.0.0.1', '--json',
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as ProbeReport;
    expect(report.verdict).toBe('none');
    expect(report.reasons).toEqual(expect.arrayContaining(['STUN_TIMEOUT', 'WS_FAILED']));
  });
});

describe('convai-transport probe inside a namespace that silently drops UDP', () => {
  let ns: Netns;
  let nsTurn: Coturn;
  beforeAll(async () => {
    ns = await createNetns({ drop: ['udp'] });
    nsTurn = await startCoturn({ host: ns.rootIp });
  });
  afterAll(async () => {
    await nsTurn?.stop();
    await ns?.close();
  });

  // the deadline stays under werift's own 5 s STUN give-up (docs/ARCHITECTURE.md, "werift"), so 'timeout' is ours
  it('werift: TURN/TCP relay found, UDP servers time out at our deadline (werift alone gives up at 5 s)', async () => {
    const cred = `${nsTurn.username},${nsTurn.password}`;
    const run = await collect(
      ns.spawn(process.execPath, [...CLI, '--ice-server', nsTurn.stunUrl, '--ice-server', `${nsTurn.turnUdpUrl},${cred}`, '--ice-server', `${nsTurn.turnTcpUrl},${cred}`, '--bind', ns.nsIp, '--deadline', '4000', '--json'], {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ProbeReport;
    expect(report.verdict, JSON.stringify(report.checks)).toBe('webrtc-relay-tcp');
    expect(report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'STUN_TIMEOUT', 'TURN_TCP_ONLY']));
    const outcomes = Object.fromEntries(report.checks.gathering.data.servers.map((s) => [s.url, s.outcome]));
    expect(outcomes[nsTurn.stunUrl]).toBe('timeout');
    expect(outcomes[nsTurn.turnUdpUrl]).toBe('timeout');
    expect(outcomes[nsTurn.turnTcpUrl]).toBe('ok');
    expect(report.checks.connectivity.data).toMatchObject({ ok: true, via: 'tcp' });
    expect(report.durationMs).toBeLessThan(report.deadlineMs + 1000);
  });

  it("werift, policy 'all', STUN only: host candidates exist but prove nothing, verdict websocket, exit 1 (nothing shown to work)", async () => {
    const run = await collect(
      ns.spawn(process.execPath, [...CLI, '--ice-server', nsTurn.stunUrl, '--policy', 'all', '--bind', ns.nsIp, '--deadline', '2000', '--json'], {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as ProbeReport;
    expect(report.checks.gathering.data.servers.find((s) => s.kind === 'host')?.outcome).toBe('ok');
    expect(report.verdict).toBe('websocket');
    expect(report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'STUN_TIMEOUT']));
  });
});
