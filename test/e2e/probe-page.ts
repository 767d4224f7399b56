// Test page for the probe e2e tests: exposes `window.runProbe` and counts every peer
// connection and WebSocket the probe opens, so the tests can check all are closed.
import { formatReport, probe } from '../../probes/index.js';
import type { ProbeProgressEvent, ProbeReport } from '../../probes/index.js';
import { gatherHostCandidates, type HostGathering } from '../../probes/checks/host-gathering.js';

export interface PageProbeInput {
  readonly iceServers: RTCIceServer[];
  readonly policy?: 'relay' | 'all';
  readonly deadlineMs?: number;
  readonly wsUrl?: string;
  readonly abortAfterMs?: number;
  /** Abort as soon as the first candidate arrives: mid-gathering, deterministically. */
  readonly abortOnFirstCandidate?: boolean;
  readonly noPeerConnection?: boolean;
  readonly thorough?: boolean;
}

export interface PageProbeOutput {
  readonly report: ProbeReport;
  readonly text: string;
  readonly settledMs: number;
  readonly peers: { created: number; open: number };
  readonly sockets: { created: number; open: number };
  readonly progress: ProbeProgressEvent[];
  readonly error?: { name: string; code: string; field?: string; message: string };
}

const peers = { created: 0, open: 0 };
const sockets = { created: 0, open: 0 };

// WebKitGTK has no RTCPeerConnection at all: the page must load there too
const CountingPeerConnection =
  typeof RTCPeerConnection === 'undefined'
    ? undefined
    : class extends RTCPeerConnection {
        #closed = false;
        constructor(config?: RTCConfiguration) {
          super(config);
          peers.created += 1;
          peers.open += 1;
        }
        override close(): void {
          if (!this.#closed) peers.open -= 1;
          this.#closed = true;
          super.close();
        }
      };

class CountingWebSocket extends WebSocket {
  #closed = false;
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    sockets.created += 1;
    sockets.open += 1;
    this.addEventListener('close', () => this.#markClosed());
  }
  #markClosed(): void {
    if (!this.#closed) sockets.open -= 1;
    this.#closed = true;
  }
  override close(code?: number, reason?: string): void {
    // counted as closed once the close handshake is started: the probe has let go of it
    this.#markClosed();
    super.close(code, reason);
  }
}

declare global {
  interface Window {
    runProbe(input: PageProbeInput): Promise<PageProbeOutput>;
    runProbeRaw(options: unknown): Promise<PageProbeOutput['error']>;
    runHostGathering(abortFirst?: boolean): Promise<{ answer: HostGathering; peers: { created: number; open: number } }>;
  }
}

window.runProbe = async (input) => {
  const controller = new AbortController();
  const timer = input.abortAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), input.abortAfterMs);
  const progress: ProbeProgressEvent[] = [];
  const started = performance.now();
  // what a browser with WebRTC disabled (or a webview without it) looks like
  const saved = globalThis.RTCPeerConnection;
  if (input.noPeerConnection) (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = undefined;
  const report = await probe({
    iceServers: input.iceServers,
    iceTransportPolicy: input.policy ?? 'relay',
    deadlineMs: input.deadlineMs ?? 3000,
    signal: controller.signal,
    onProgress: (event) => {
      progress.push(event);
      if (input.abortOnFirstCandidate && event.type === 'candidate') controller.abort();
    },
    ...(input.noPeerConnection || !CountingPeerConnection ? {} : { RTCPeerConnection: CountingPeerConnection as typeof RTCPeerConnection }),
    WebSocket: CountingWebSocket as typeof WebSocket,
    ...(input.wsUrl ? { wsUrl: input.wsUrl } : {}),
    ...(input.thorough ? { thorough: true } : {}),
  });
  const settledMs = Math.round(performance.now() - started);
  globalThis.RTCPeerConnection = saved;
  clearTimeout(timer);
  return { report, text: formatReport(report), settledMs, peers: { ...peers }, sockets: { ...sockets }, progress };
};

window.runProbeRaw = async (options) => {
  try {
    await probe(options as never);
    return undefined;
  } catch (error) {
    const e = error as { name: string; code: string; field?: string; message: string };
    return { name: e.name, code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) };
  }
};

window.runHostGathering = async (abortFirst) => {
  const controller = new AbortController();
  if (abortFirst) controller.abort();
  const answer = await gatherHostCandidates({
    ...(CountingPeerConnection ? { ctor: CountingPeerConnection as never } : {}),
    signal: controller.signal,
  });
  return { answer, peers: { ...peers } };
};
