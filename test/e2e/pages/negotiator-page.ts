import { ConvaiClient, type ConvaiClientConfig, type InboundMessage, type NegotiationEvent } from '../../../src/index.js';
import type { ConnectConvaiOptions } from '../../../src/auto.js';
import { openPeerConnections, trackInstances, waitForBotText } from '../../support/page-instruments.js';

/**
 * Test page for the negotiator: a real ConvaiClient driven by `connectConvai` in
 * Chromium. RTCPeerConnections are counted by wrapping the constructor, so tests can
 * prove that the probe and a failed LiveKit attempt leave none open.
 */

const created = trackInstances('RTCPeerConnection');
const sockets = trackInstances('WebSocket');

let client: ConvaiClient | undefined;
const messages: InboundMessage[] = [];
const phases: string[] = [];
const later: string[] = [];

export interface RunOutcome {
  readonly ok: boolean;
  readonly transport?: string;
  readonly reasons?: readonly string[];
  readonly verdict?: string;
  readonly fallback?: { readonly from: string; readonly code: string };
  readonly fromCache?: boolean;
  readonly provisional?: boolean;
  readonly iceServerSource?: string;
  readonly timings?: Record<string, number>;
  readonly characterSessionId?: string;
  readonly code?: string;
  readonly message?: string;
  readonly phases: readonly string[];
  readonly elapsedMs: number;
}

async function run(config: ConvaiClientConfig, options: Pick<ConnectConvaiOptions, 'transport' | 'signal'> = {}): Promise<RunOutcome> {
  const started = performance.now();
  phases.length = 0;
  later.length = 0;
  try {
    // imported on first use, as an app may: until then the page has no negotiator
    const { connectConvai } = await import('../../../src/auto.js');
    const result = await connectConvai(config, {
      ...options,
      onProgress: (e: NegotiationEvent) => phases.push(e.phase),
    });
    client = result.client;
    client.on('inboundMessage', (m) => messages.push(m));
    // what happens after connect (an upgrade) is recorded too
    client.on('negotiation', (e) => later.push(e.phase));
    return {
      ok: true,
      transport: result.result.transport,
      reasons: result.result.reasons,
      ...(result.result.verdict ? { verdict: result.result.verdict } : {}),
      ...(result.result.fallback ? { fallback: result.result.fallback } : {}),
      fromCache: result.result.fromCache,
      ...(result.result.provisional !== undefined ? { provisional: result.result.provisional } : {}),
      ...(result.result.iceServerSource ? { iceServerSource: result.result.iceServerSource } : {}),
      timings: { ...result.result.timings },
      ...(client.characterSessionId ? { characterSessionId: client.characterSessionId } : {}),
      phases: [...phases],
      elapsedMs: performance.now() - started,
    };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ok: false, ...(e.code ? { code: e.code } : {}), ...(e.message ? { message: e.message } : {}), phases: [...phases], elapsedMs: performance.now() - started };
  }
}

/** ConvaiClient used directly (no negotiator entry), to check the seed's contract. */
async function connectDirect(config: ConvaiClientConfig): Promise<{ ok: boolean; code?: string; message?: string }> {
  const direct = new ConvaiClient(config);
  try {
    await direct.connect();
    await direct.disconnect();
    return { ok: true };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ok: false, ...(e.code ? { code: e.code } : {}), ...(e.message ? { message: e.message } : {}) };
  }
}

/** Sends a text and waits for the bot's echo reply. */
async function converse(text: string, timeoutMs = 10_000): Promise<string | undefined> {
  if (!client) return undefined;
  const before = messages.length;
  await client.sendUserTextMessage(text);
  return waitForBotText(messages, before, timeoutMs);
}

async function disconnect(): Promise<void> {
  await client?.disconnect();
  client = undefined;
}

/** The transport the conversation is on now, and the negotiation phases seen since connect. */
function now(): { transport: string | undefined; reasons: readonly string[]; phases: readonly string[] } {
  return { transport: client?.transport, reasons: client?.lastNegotiation?.reasons ?? [], phases: [...later] };
}

function peerConnections(): { created: number; open: number } {
  return { created: created.length, open: openPeerConnections(created) };
}

/** WebSockets not closed (or closing): the library's and livekit-client's. */
function openSockets(): number {
  return sockets.filter((ws) => ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN).length;
}

/** `run`, aborted `delayMs` after the negotiation first reaches `phase`. */
async function runAbortingAt(config: ConvaiClientConfig, phase: string, delayMs: number): Promise<RunOutcome & { aborted: boolean }> {
  const controller = new AbortController();
  let aborted = false;
  const watch = setInterval(() => {
    if (!phases.includes(phase) || aborted) return;
    aborted = true;
    setTimeout(() => controller.abort(), delayMs);
  }, 1);
  try {
    return { ...(await run(config, { signal: controller.signal })), aborted };
  } finally {
    clearInterval(watch);
  }
}

const api = { run, runAbortingAt, connectDirect, converse, disconnect, peerConnections, openSockets, now };
declare global {
  interface Window {
    neg: typeof api;
    negReady: boolean;
  }
}
window.neg = api;
window.negReady = true;
