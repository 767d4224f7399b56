import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, connect, type Server, type Socket as TcpSocket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * What the relay does to traffic. The kernel here has no `netem`, so delay and loss are
 * applied in userspace, per datagram, in both directions.
 */
export interface Impairment {
  /** One-way delay added to every datagram and TCP chunk, each direction (RTT grows by twice this). @default 0 */
  readonly delayMs?: number;
  /** Share of UDP datagrams dropped, each direction, 0..1. TCP is never dropped (it would retransmit). @default 0 */
  readonly lossRate?: number;
  /**
   * Seed of the PRNGs that decide which datagrams are lost. Each flow and direction has a
   * generator of its own, so the n-th datagram of a flow's direction meets the same fate in
   * every run, however the two directions interleave. @default 1
   */
  readonly seed?: number;
}

export interface LossyRelayOptions extends Impairment {
  /** Address the relay listens on (the namespace's root side). */
  readonly host: string;
  /** Where it forwards to (coturn's listening address and port; UDP and TCP). */
  readonly target: { readonly host: string; readonly port: number };
  /** Client flows (UDP source addresses or TCP connections) served at once; more are refused. @default 64 */
  readonly maxFlows?: number;
  /** Delayed packets held at once; more are dropped (a full router queue). @default 4096 */
  readonly maxQueued?: number;
  /** A UDP flow with no traffic this long is forgotten and its upstream socket closed. @default 30000 */
  readonly idleMs?: number;
}

export interface RelayStats {
  forwarded: number;
  dropped: number;
  /** Dropped because `maxQueued` or `maxFlows` was reached (not by the loss rate). */
  overflow: number;
  flows: number;
}

export interface LossyRelay {
  readonly host: string;
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly stats: RelayStats;
  close(): Promise<void>;
}

/** mulberry32: tiny, seedable, good enough to pick which packets to drop. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function checkImpairment(options: LossyRelayOptions): void {
  const { delayMs = 0, lossRate = 0 } = options;
  if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > 10_000) throw new RangeError('delayMs: expected 0..10000');
  if (!Number.isFinite(lossRate) || lossRate < 0 || lossRate > 1) throw new RangeError('lossRate: expected 0..1');
}

/**
 * A userspace UDP + TCP relay that adds delay and loss between a client and a TURN server:
 * the client is given the relay's address as its TURN server, and each client flow gets an
 * upstream socket of its own, so coturn sees one client per flow. Only listens on `host`
 * and only sends to `target` and back to the clients that reached it.
 */
export async function startLossyRelay(options: LossyRelayOptions): Promise<LossyRelay> {
  checkImpairment(options);
  const delayMs = options.delayMs ?? 0;
  const lossRate = options.lossRate ?? 0;
  const maxFlows = options.maxFlows ?? 64;
  const maxQueued = options.maxQueued ?? 4096;
  const idleMs = options.idleMs ?? 30_000;
  const seed = options.seed ?? 1;
  const stats: RelayStats = { forwarded: 0, dropped: 0, overflow: 0, flows: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  /** Runs `send` after the delay, unless the datagram is lost or the queue is full. */
  const impair = (send: () => void, random: (() => number) | undefined): void => {
    if (closed) return;
    if (random && lossRate > 0 && random() < lossRate) {
      stats.dropped += 1;
      return;
    }
    if (delayMs === 0) {
      stats.forwarded += 1;
      send();
      return;
    }
    if (timers.size >= maxQueued) {
      stats.overflow += 1;
      return;
    }
    // equal delays fire in insertion order in Node, so a TCP stream stays in order
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (closed) return;
      stats.forwarded += 1;
      send();
    }, delayMs);
    timers.add(timer);
  };

  // UDP: one upstream socket per client address
  const flows = new Map<string, { upstream: Socket; toServer: () => number; lastSeen: number }>();
  let udpFlows = 0;
  const udp = createSocket('udp4');
  const openFlow = (from: RemoteInfo): { upstream: Socket; toServer: () => number } | undefined => {
    const key = `${from.address}:${from.port}`;
    const known = flows.get(key);
    if (known) {
      known.lastSeen = Date.now();
      return known;
    }
    if (flows.size >= maxFlows) return undefined;
    const upstream = createSocket('udp4');
    const flowIndex = udpFlows++;
    const toServer = seededRandom(seed * 7_919 + flowIndex * 2);
    const toClient = seededRandom(seed * 7_919 + flowIndex * 2 + 1);
    upstream.on('error', () => undefined);
    upstream.on('message', (data, src) => {
      if (src.address !== options.target.host || src.port !== options.target.port) return;
      const flow = flows.get(key);
      if (flow) flow.lastSeen = Date.now();
      impair(() => udp.send(data, from.port, from.address), toClient);
    });
    upstream.bind(0, options.host);
    flows.set(key, { upstream, toServer, lastSeen: Date.now() });
    stats.flows += 1;
    return { upstream, toServer };
  };
  udp.on('error', () => undefined);
  udp.on('message', (data, from) => {
    if (closed) return;
    const flow = openFlow(from);
    if (!flow) {
      stats.overflow += 1;
      return;
    }
    impair(() => flow.upstream.send(data, options.target.port, options.target.host), flow.toServer);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(0, options.host, () => resolve());
  });
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, flow] of flows) {
      if (now - flow.lastSeen > idleMs) {
        flow.upstream.close();
        flows.delete(key);
      }
    }
  }, Math.min(idleMs, 5_000));

  // TCP: a delayed pipe per connection (TURN over TCP)
  const sockets = new Set<TcpSocket>();
  const tcp: Server = createServer((client) => {
    if (closed || sockets.size >= 2 * maxFlows) {
      stats.overflow += 1;
      client.destroy();
      return;
    }
    stats.flows += 1;
    const upstream = connect({ host: options.target.host, port: options.target.port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => impair(() => upstream.write(chunk), undefined));
    upstream.on('data', (chunk) => impair(() => client.write(chunk), undefined));
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(0, options.host, () => resolve());
  });

  return {
    host: options.host,
    udpPort: (udp.address() as AddressInfo).port,
    tcpPort: (tcp.address() as AddressInfo).port,
    stats,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const flow of flows.values()) flow.upstream.close();
      flows.clear();
      for (const s of sockets) s.destroy();
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
