import { ConvaiClient, type ConvaiClientConfig, type InboundMessage } from '../../src/index.js';
import type { ConnectOptions } from '../../src/client/convai-client.js';
import { formatReport, probe } from '../../probes/index.js';
// `transport: 'auto'`, and a forced 'websocket' that loads its chunk on demand
import '../../src/auto.js';
import { openPeerConnections, trackInstances, waitForBotText } from '../support/page-instruments.js';

/**
 * Test page for the fault suite: a real ConvaiClient (core entry only, so the
 * WebSocket module is a lazy chunk) driven from Playwright through `window.fault`.
 * Every RTCPeerConnection, WebSocket, mic track, AudioContext and interval the page
 * creates is recorded by wrapping its constructor, so a test can prove a fault left
 * nothing open. Every client event is logged as JSON, for the secrets scan.
 */

const peers = trackInstances('RTCPeerConnection');
const sockets = trackInstances('WebSocket');

const tracks: MediaStreamTrack[] = [];
const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await nativeGetUserMedia(constraints);
  tracks.push(...stream.getTracks());
  return stream;
};

const contexts = trackInstances('AudioContext');

/** Intervals never end by themselves: one left running after disconnect is a leak. */
const intervals = new Set<number>();
const nativeSetInterval = globalThis.setInterval.bind(globalThis);
const nativeClearInterval = globalThis.clearInterval.bind(globalThis);
globalThis.setInterval = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
  const id = nativeSetInterval(handler, ms, ...args);
  intervals.add(id);
  return id;
}) as typeof setInterval;
globalThis.clearInterval = ((id?: number) => {
  if (id !== undefined) intervals.delete(id);
  nativeClearInterval(id);
}) as typeof clearInterval;

/** CSP violations the page reported (directive and blocked URI). */
const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));

export interface Outcome {
  readonly ok: boolean;
  readonly code?: string;
  readonly name?: string;
  readonly message?: string;
}

export interface Leftovers {
  readonly peerConnections: number;
  readonly openPeerConnections: number;
  readonly sockets: number;
  readonly openSockets: number;
  readonly liveTracks: number;
  readonly openAudioContexts: number;
  readonly intervals: number;
}

let client: ConvaiClient | undefined;
const messages: InboundMessage[] = [];
/** Every event every client emitted, as `name payload-json`: the secrets scan reads these. */
const eventLog: string[] = [];
const phases: string[] = [];

function describeError(error: unknown): Outcome {
  const e = error as { code?: string; name?: string; message?: string };
  return {
    ok: false,
    ...(e.code ? { code: e.code } : {}),
    ...(e.name ? { name: e.name } : {}),
    ...(e.message ? { message: e.message } : {}),
  };
}

function serialize(payload: unknown): string {
  if (payload instanceof Error) {
    return JSON.stringify({ name: payload.name, code: (payload as { code?: string }).code, message: payload.message, stack: payload.stack });
  }
  if (payload instanceof MediaStreamTrack) return `MediaStreamTrack(${payload.kind})`;
  try {
    return JSON.stringify(payload, (_k, v: unknown) => (v instanceof Error ? { name: v.name, code: (v as { code?: string }).code, message: v.message } : v));
  } catch {
    return String(payload);
  }
}

/** `messagesChange` is left out: it repeats the `message` payloads, whole chat each time. */
const EVENTS = [
  'stateChange', 'connect', 'disconnect', 'error', 'message', 'inboundMessage', 'conversationStart', 'turnEnd', 'botReady',
  'userTranscriptionChange', 'speakingChange', 'botAudioTrack', 'audioMuteChange', 'negotiation', 'reconnecting',
] as const;

function create(config: ConvaiClientConfig): Outcome {
  try {
    client = new ConvaiClient(config);
  } catch (error) {
    return describeError(error);
  }
  const c = client;
  for (const name of EVENTS) {
    c.on(name, (payload: unknown) => {
      if (c !== client) return;
      eventLog.push(`${name} ${serialize(payload)}`);
      if (name === 'inboundMessage') messages.push(payload as InboundMessage);
      if (name === 'negotiation') phases.push((payload as { phase: string }).phase);
    });
  }
  return { ok: true };
}

async function connect(options: Omit<ConnectOptions, 'signal'> = {}): Promise<Outcome> {
  try {
    await client!.connect(options);
    return { ok: true };
  } catch (error) {
    return describeError(error);
  }
}

/** Two connects at once, as a double click would: both must settle alike, on one session. */
async function connectTwice(options: Omit<ConnectOptions, 'signal'> = {}): Promise<{ same: boolean; outcomes: Outcome[] }> {
  const a = client!.connect(options);
  const b = client!.connect(options);
  const outcomes = await Promise.all([a, b].map((p) => p.then(() => ({ ok: true }) as Outcome, describeError)));
  return { same: a === b, outcomes };
}

/** Starts a connect, calls disconnect() when the negotiation reaches `phase` (or after `ms`), reports both. */
async function disconnectDuring(
  phase: string | undefined,
  ms: number,
  options: Omit<ConnectOptions, 'signal'> = {},
): Promise<{ connect: Outcome; reachedPhase: boolean; state: unknown }> {
  const c = client!;
  let reached = false;
  let stop: (() => void) | undefined;
  const trigger = new Promise<void>((resolve) => {
    if (phase === undefined) setTimeout(resolve, ms);
    else
      stop = c.on('negotiation', (e) => {
        if (e.phase === phase) {
          reached = true;
          resolve();
        }
      });
  });
  const connecting = c.connect(options).then(() => ({ ok: true }) as Outcome, describeError);
  const first = await Promise.race([trigger.then(() => 'trigger' as const), connecting.then(() => 'settled' as const)]);
  stop?.();
  if (first === 'trigger') await c.disconnect();
  return { connect: await connecting, reachedPhase: reached, state: c.state };
}

async function converse(text: string, timeoutMs = 8_000): Promise<string | undefined> {
  const before = messages.length;
  await client!.sendUserTextMessage(text);
  return waitForBotText(messages, before, timeoutMs);
}

/**
 * Arms a send of `text` made from inside the next `reconnecting` event, so it is sure to
 * happen while the transport reconnects (a send from Node would race the rejoin). Resolves
 * with what the sender resolved and the error codes emitted with it.
 */
function sendWhenReconnecting(text: string, timeoutMs: number): Promise<{ sent: boolean; errors: string[] } | undefined> {
  const c = client!;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, timeoutMs);
    const off = c.on('reconnecting', () => {
      off();
      clearTimeout(timer);
      const errors: string[] = [];
      const offError = c.on('error', (e) => errors.push(e.code));
      void c.sendUserTextMessage(text).then((sent) => {
        offError();
        resolve({ sent, errors });
      });
    });
  });
}

/** Polls until `predicate(event log)` holds, up to `timeoutMs`. */
async function waitForEvent(prefix: string, timeoutMs: number, after = 0): Promise<string | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const found = eventLog.slice(after).find((line) => line.startsWith(prefix));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

function leftovers(): Leftovers {
  return {
    peerConnections: peers.length,
    openPeerConnections: openPeerConnections(peers),
    sockets: sockets.length,
    openSockets: sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length,
    liveTracks: tracks.filter((t) => t.readyState === 'live').length,
    openAudioContexts: contexts.filter((c) => c.state !== 'closed').length,
    intervals: intervals.size,
  };
}

/** A probe run alone, as the diagnostics page does: the report as JSON and as text, for the secrets scan. */
async function probeReport(iceServers: RTCIceServer[], wsUrl?: string): Promise<{ json: string; text: string; verdict: string }> {
  const report = await probe({ iceServers, deadlineMs: 5_000, ...(wsUrl ? { wsUrl } : {}) });
  return { json: JSON.stringify(report), text: formatReport(report), verdict: report.verdict };
}

const api = {
  create,
  probeReport,
  connect,
  connectTwice,
  disconnectDuring,
  converse,
  sendWhenReconnecting,
  waitForEvent,
  leftovers,
  disconnect: async () => client?.disconnect(),
  state: () => client?.state,
  transport: () => client?.transport,
  characterSessionId: () => client?.characterSessionId,
  lastNegotiation: () => (client?.lastNegotiation ? JSON.parse(JSON.stringify(client.lastNegotiation)) as Record<string, unknown> : undefined),
  phases: () => phases.slice(),
  messageTypes: () => messages.map((m) => m.type),
  eventLog: () => eventLog.slice(),
  eventCount: () => eventLog.length,
  violations: () => violations.slice(),
  resetPhases: () => {
    phases.length = 0;
  },
};

declare global {
  interface Window {
    fault: typeof api;
    faultReady: boolean;
  }
}
window.fault = api;
window.faultReady = true;
