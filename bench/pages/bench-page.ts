import { connectConvai } from '../../src/auto.js';
import { ConvaiClient, type ConvaiClientConfig, type TransportPreference } from '../../src/index.js';
import { probe } from '../../probes/index.js';

/**
 * Bench page: a real ConvaiClient in Chromium, timed from `connect()` to the bot's
 * `botReady` event, and the probe alone (once, or many times for the resource check).
 * Peer connections are counted without holding them (WeakRef), so the counting itself
 * does not keep memory alive during the 200-probe run.
 */

const live: WeakRef<RTCPeerConnection>[] = [];
let created = 0;
let closeCalls = 0;
const Native = globalThis.RTCPeerConnection;
if (Native) {
  globalThis.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      created += 1;
      live.push(new WeakRef(this));
    }
    override close(): void {
      closeCalls += 1;
      super.close();
    }
  };
}

export interface ConnectInput {
  readonly config: Omit<ConvaiClientConfig, 'negotiation'> & { readonly negotiation?: Record<string, unknown> };
  readonly transport: TransportPreference;
  /** `'local'`: remember verdicts in localStorage (survives a new page); `'none'`: no cache. */
  readonly cache: 'local' | 'none';
  /** How long to wait for `botReady` after connect() resolved. */
  readonly botReadyTimeoutMs: number;
  /**
   * Make the client this long before calling connect(), as apps do (on mount, then a click);
   * 0: make it and connect at once. The time is from connect() either way.
   */
  readonly madeAheadMs?: number;
}

export interface ConnectSample {
  readonly ok: boolean;
  readonly transport?: string;
  readonly reasons?: readonly string[];
  readonly fromCache?: boolean;
  /** connect() call to the `botReady` event. */
  readonly botReadyMs?: number;
  /** connect() call to its promise resolving. */
  readonly connectedMs?: number;
  readonly timings?: Record<string, number>;
  readonly chunkLoaded: boolean;
  readonly code?: string;
  readonly message?: string;
}

let client: ConvaiClient | undefined;

async function connect(input: ConnectInput): Promise<ConnectSample> {
  const chunksBefore = performance.getEntriesByType('resource').filter((e) => /\/websocket-[\w-]+\.js$/.test(e.name)).length;
  const negotiation = { ...input.config.negotiation, cache: input.cache === 'local' ? localStorage : false };
  // made for the transport it will connect with: what it prepares ahead depends on it
  const c = new ConvaiClient({ ...input.config, transport: input.transport, negotiation } as ConvaiClientConfig);
  if (input.madeAheadMs) await new Promise((resolve) => setTimeout(resolve, input.madeAheadMs));
  client = c;
  let botReadyAt: number | undefined;
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  c.on('botReady', () => {
    botReadyAt ??= performance.now();
    onReady();
  });
  const started = performance.now();
  // when each negotiation phase first happened: where the time of a connect goes
  const marks: Record<string, number> = {};
  c.on('negotiation', (e) => {
    const name = `at ${e.phase}${e.phase === 'connecting' ? ` ${e.transport}` : ''}`;
    marks[name] ??= performance.now() - started;
  });
  try {
    const { result } = await connectConvai(c, { transport: input.transport });
    const connectedAt = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([ready, new Promise<void>((r) => (timer = setTimeout(r, input.botReadyTimeoutMs)))]);
    clearTimeout(timer);
    const chunksAfter = performance.getEntriesByType('resource').filter((e) => /\/websocket-[\w-]+\.js$/.test(e.name)).length;
    return {
      ok: botReadyAt !== undefined,
      transport: result.transport,
      reasons: result.reasons,
      fromCache: result.fromCache,
      ...(botReadyAt !== undefined ? { botReadyMs: botReadyAt - started } : { code: 'NO_BOT_READY' }),
      connectedMs: connectedAt - started,
      timings: { ...result.timings, ...marks },
      chunkLoaded: chunksAfter > chunksBefore,
    };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ok: false, chunkLoaded: false, ...(e.code ? { code: e.code } : {}), ...(e.message ? { message: e.message } : {}) };
  }
}

async function disconnect(): Promise<void> {
  await client?.disconnect();
  client = undefined;
}

export interface ProbeInput {
  readonly iceServers: RTCIceServer[];
  readonly deadlineMs?: number;
  readonly policy?: RTCIceTransportPolicy;
}

export interface ProbeSample {
  readonly verdict: string;
  readonly reasons: readonly string[];
  /** The probe's own clock: start to verdict. */
  readonly durationMs: number;
  readonly gatheringMs: number;
  readonly connectivityMs: number;
}

async function probeOnce(input: ProbeInput): Promise<ProbeSample> {
  const report = await probe({
    iceServers: input.iceServers,
    ...(input.policy ? { iceTransportPolicy: input.policy } : {}),
    ...(input.deadlineMs ? { deadlineMs: input.deadlineMs } : {}),
    connectivityCheck: true,
  });
  return {
    verdict: report.verdict,
    reasons: report.reasons,
    durationMs: report.durationMs,
    gatheringMs: report.checks.gathering.durationMs,
    connectivityMs: report.checks.connectivity.durationMs,
  };
}

/** Runs `count` probes back to back; returns each duration and the verdicts seen. */
async function probeLoop(input: ProbeInput, count: number): Promise<{ durations: number[]; verdicts: Record<string, number> }> {
  const durations: number[] = [];
  const verdicts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const s = await probeOnce(input);
    durations.push(s.durationMs);
    verdicts[s.verdict] = (verdicts[s.verdict] ?? 0) + 1;
  }
  return { durations, verdicts };
}

/** Peer connections created, close() calls, and those still reachable and not closed. */
function peerConnections(): { created: number; closeCalls: number; openAlive: number } {
  const openAlive = live.filter((r) => {
    const pc = r.deref();
    return pc !== undefined && pc.signalingState !== 'closed' && pc.connectionState !== 'closed';
  }).length;
  return { created, closeCalls, openAlive };
}

const api = { connect, disconnect, probeOnce, probeLoop, peerConnections };
declare global {
  interface Window {
    bench: typeof api;
    benchReady: boolean;
  }
}
window.bench = api;
window.benchReady = true;
