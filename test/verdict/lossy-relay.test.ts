import { afterEach, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, connect, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { seededRandom, startLossyRelay, type LossyRelay } from './lossy-relay.js';

/** A real UDP echo server and a real TCP echo server on loopback stand in for coturn. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function udpEcho(): Promise<number> {
  const s: Socket = createSocket('udp4');
  s.on('message', (m, r) => s.send(m, r.port, r.address));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  cleanups.push(() => void s.close());
  return (s.address() as AddressInfo).port;
}

async function tcpEcho(port: number): Promise<void> {
  const server: Server = createServer((c) => c.pipe(c));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
}

/** Sends `count` numbered datagrams through the relay and returns the numbers echoed back. */
async function roundTrips(relay: LossyRelay, count: number): Promise<number[]> {
  const client = createSocket('udp4');
  cleanups.push(() => void client.close());
  const got: number[] = [];
  client.on('message', (m) => got.push(m.readUInt32BE(0)));
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  for (let i = 0; i < count; i += 1) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(i);
    client.send(b, relay.udpPort, '127.0.0.1');
    // paced, so loss comes from the relay and not from a full socket buffer
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
  }
  // done when nothing more arrives for 150 ms (bounded: 3 s)
  const until = Date.now() + 3_000;
  let last = -1;
  while (Date.now() < until && got.length !== last) {
    last = got.length;
    await new Promise((r) => setTimeout(r, 150));
  }
  return got.sort((x, y) => x - y);
}

describe('lossy relay', () => {
  it('the PRNG is deterministic per seed and spread over [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 1_000 }, () => a());
    expect(Array.from({ length: 1_000 }, () => b())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.filter((x) => x < 0.3).length).toBeGreaterThan(230);
    expect(xs.filter((x) => x < 0.3).length).toBeLessThan(370);
  });

  it('forwards UDP both ways and drops the same datagrams for the same seed', async () => {
    const port = await udpEcho();
    const runs: number[][] = [];
    for (let i = 0; i < 2; i += 1) {
      const relay = await startLossyRelay({ host: '127.0.0.1', target: { host: '127.0.0.1', port }, lossRate: 0.3, seed: 42 });
      cleanups.push(() => relay.close());
      runs.push(await roundTrips(relay, 400));
      // each way loses ~30 %: about half the round trips survive
      expect(relay.stats.dropped).toBeGreaterThan(100);
      expect(relay.stats.flows).toBe(1);
    }
    expect(runs[0]!.length).toBeGreaterThan(120);
    expect(runs[0]!.length).toBeLessThan(280);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('without loss every datagram comes back', async () => {
    const port = await udpEcho();
    const relay = await startLossyRelay({ host: '127.0.0.1', target: { host: '127.0.0.1', port } });
    cleanups.push(() => relay.close());
    expect((await roundTrips(relay, 200)).length).toBe(200);
    expect(relay.stats.dropped).toBe(0);
  });

  it('delays TCP in order and never drops it', async () => {
    const port = await udpEcho();
    // coturn listens on the same port for UDP and TCP: so does this stand-in
    await tcpEcho(port);
    const relay = await startLossyRelay({ host: '127.0.0.1', target: { host: '127.0.0.1', port }, delayMs: 20, lossRate: 0.5 });
    cleanups.push(() => relay.close());
    const socket = connect({ host: '127.0.0.1', port: relay.tcpPort });
    cleanups.push(() => void socket.destroy());
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const sent = Array.from({ length: 50 }, (_, i) => `chunk-${i};`);
    for (const chunk of sent) socket.write(chunk);
    const until = Date.now() + 3_000;
    while (received.length < sent.join('').length && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(received).toBe(sent.join(''));
  });

  it('rejects a bad impairment before listening', async () => {
    await expect(startLossyRelay({ host: '127.0.0.1', target: { host: '127.0.0.1', port: 9 }, lossRate: 2 })).rejects.toThrow(/lossRate/);
    await expect(startLossyRelay({ host: '127.0.0.1', target: { host: '127.0.0.1', port: 9 }, delayMs: -1 })).rejects.toThrow(/delayMs/);
  });

  it('closes everything it opened', async () => {
    const port = await udpEcho();
    const relay = await startLossyRelay({ host: '127.0.0.1', target: { host: '127.0.0.1', port }, delayMs: 50 });
    await roundTrips(relay, 10);
    await relay.close();
    const probe = connect({ host: '127.0.0.1', port: relay.tcpPort });
    const refused = await new Promise<boolean>((r) => {
      probe.once('error', () => r(true));
      probe.once('connect', () => r(false));
    });
    probe.destroy();
    expect(refused).toBe(true);
  });
});
