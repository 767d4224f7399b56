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
let blackhole: Socket;
let blackholePort: number;

beforeAll(async () => {
  turn = await startCoturn();
  blackhole = createSocket('udp4');
  await new Promise<void>((resolve) => blackhole.bind(0, '127.0.0.1', () => resolve()));
  blackholePort = blackhole.address().port;
});

afterAll(async () => {
  await turn?.stop();
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

  it("werift, policy 'all', STUN only: host candidates exist but prove nothing, verdict websocket", async () => {
    const run = await collect(
      ns.spawn(process.execPath, [...CLI, '--ice-server', nsTurn.stunUrl, '--policy', 'all', '--bind', ns.nsIp, '--deadline', '2000', '--json'], {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ProbeReport;
    expect(report.checks.gathering.data.servers.find((s) => s.kind === 'host')?.outcome).toBe('ok');
    expect(report.verdict).toBe('websocket');
    expect(report.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'STUN_TIMEOUT']));
  });
});
