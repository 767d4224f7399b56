import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createNetns, type Netns } from '../support/netns.js';

/**
 * The namespace firewall the verdict matrix relies on, checked with real packets: a
 * client inside the namespace (a child Node process) talks to UDP and TCP echo servers on
 * the root side while `setRules` changes what gets through. Needs root, like the rest.
 */

let ns: Netns;
let udp: Socket;
let tcpA: Server;
let tcpB: Server;

beforeAll(async () => {
  ns = await createNetns({ drop: [] });
  udp = createSocket('udp4');
  udp.on('message', (m, r) => udp.send(m, r.port, r.address));
  await new Promise<void>((r) => udp.bind(0, ns.rootIp, () => r()));
  const echo = (): Server => createServer((c) => c.pipe(c));
  tcpA = echo();
  tcpB = echo();
  await Promise.all([tcpA, tcpB].map((s) => new Promise<void>((r) => s.listen(0, ns.rootIp, () => r()))));
});

afterAll(async () => {
  udp?.close();
  await Promise.all([tcpA, tcpB].map((s) => s && new Promise<void>((r) => s.close(() => r()))));
  await ns?.close();
});

const port = (s: Server | Socket): number => (s.address() as AddressInfo).port;

/**
 * Runs a tiny client inside the namespace that tries UDP and both TCP ports at once and
 * prints, per target, what happened: echo, refused, or timeout (nothing within 1.5 s).
 */
function inside(): Promise<{ udp: string; tcpA: string; tcpB: string }> {
  const script = `
    const out = {}; let left = 3;
    const done = (k, v) => { if (out[k]) return; out[k] = v; if (--left === 0) { console.log(JSON.stringify(out)); process.exit(0); } };
    const code = (e) => (e.code === 'ECONNREFUSED' ? 'refused' : e.code);
    setTimeout(() => { for (const k of ['udp', 'tcpA', 'tcpB']) done(k, 'timeout'); }, 1500);
    const s = require('dgram').createSocket('udp4');
    s.on('message', () => done('udp', 'echo'));
    s.on('error', (e) => done('udp', code(e)));
    s.connect(${port(udp)}, '${ns.rootIp}', () => { s.send('x'); setTimeout(() => s.send('x'), 200); });
    for (const [k, p] of [['tcpA', ${port(tcpA)}], ['tcpB', ${port(tcpB)}]]) {
      const c = require('net').connect(p, '${ns.rootIp}');
      c.on('connect', () => c.write('x'));
      c.on('data', () => done(k, 'echo'));
      c.on('error', (e) => done(k, code(e)));
    }`;
  return new Promise((resolve, reject) => {
    const child = ns.spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', reject);
    child.once('exit', () => {
      clearTimeout(guard);
      try {
        resolve(JSON.parse(out) as { udp: string; tcpA: string; tcpB: string });
      } catch {
        reject(new Error(`client printed ${JSON.stringify(out)}`));
      }
    });
  });
}

/** Sends `count` datagrams from inside the namespace to the UDP echo, 1 per ms; resolves with the echoes received. */
function udpEchoes(count: number): Promise<number> {
  const script = `
    const s = require('dgram').createSocket('udp4'); let got = 0;
    s.on('message', () => got++);
    s.connect(${port(udp)}, '${ns.rootIp}', () => {
      let sent = 0;
      const t = setInterval(() => { s.send('x'); if (++sent === ${count}) { clearInterval(t); setTimeout(() => { console.log(got); process.exit(0); }, 500); } }, 1);
    });`;
  return new Promise((resolve, reject) => {
    const child = ns.spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('exit', () => {
      clearTimeout(guard);
      const n = Number(out.trim());
      if (Number.isInteger(n)) resolve(n);
      else reject(new Error(`client printed ${JSON.stringify(out)}`));
    });
  });
}

describe('netns rules', () => {
  it('no rules: UDP and TCP get through', async () => {
    ns.setRules({});
    expect(await inside()).toEqual({ udp: 'echo', tcpA: 'echo', tcpB: 'echo' });
  });

  it('drop udp: silence, no ICMP; TCP unaffected', async () => {
    ns.setRules({ drop: ['udp'] });
    expect(await inside()).toEqual({ udp: 'timeout', tcpA: 'echo', tcpB: 'echo' });
  });

  it('reject udp: ICMP port unreachable reaches the sender', async () => {
    ns.setRules({ reject: ['udp'] });
    expect(await inside()).toEqual({ udp: 'refused', tcpA: 'echo', tcpB: 'echo' });
  });

  it('dropTcpPorts: only that port goes silent', async () => {
    ns.setRules({ dropTcpPorts: [port(tcpA)] });
    expect(await inside()).toEqual({ udp: 'echo', tcpA: 'timeout', tcpB: 'echo' });
  });

  it('lossPercent: random loss each direction, TCP still gets through', async () => {
    ns.setRules({});
    expect(await udpEchoes(500)).toBeGreaterThanOrEqual(495);
    ns.setRules({ lossPercent: 20 });
    // an echo survives both directions: 500 x 0.8 x 0.8 = 320 expected, sd ~11; the bounds are 6 sd wide
    const echoes = await udpEchoes(500);
    expect(echoes).toBeGreaterThan(250);
    expect(echoes).toBeLessThan(390);
    // TCP retransmits what is lost, but a lost SYN costs a 1 s retransmission timeout, longer
    // than one check waits: TCP "gets through" when each port echoes within a few checks
    const seen = { tcpA: false, tcpB: false };
    for (let i = 0; i < 6 && !(seen.tcpA && seen.tcpB); i++) {
      const tcp = await inside();
      seen.tcpA ||= tcp.tcpA === 'echo';
      seen.tcpB ||= tcp.tcpB === 'echo';
    }
    expect(seen).toEqual({ tcpA: true, tcpB: true });
    expect(() => ns.setRules({ lossPercent: 101 })).toThrow(/lossPercent/);
  });

  it('a bad port is refused before any rule changes', async () => {
    ns.setRules({ drop: ['udp'] });
    expect(() => ns.setRules({ dropTcpPorts: [70_000] })).toThrow(/dropTcpPorts/);
    expect((await inside()).udp).toBe('timeout');
  });
});
