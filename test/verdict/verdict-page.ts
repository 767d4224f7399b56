import { connectConvai } from '../../src/auto.js';
import { type ConvaiClient, type ConvaiClientConfig, type InboundMessage, type NegotiationEvent } from '../../src/index.js';

/**
 * The verdict matrix's page: one `connectConvai` run (forced or auto) with every
 * negotiation event timestamped, so the verdict and its time are known even when the
 * connect that follows fails; then a text round trip with the bot.
 */

// every peer connection of the page, to say where a reply that never came stopped (its data
// channels, transport and selected pair); read only then
const diagPcs: RTCPeerConnection[] = [];
const DiagNative = globalThis.RTCPeerConnection;
if (DiagNative) {
  globalThis.RTCPeerConnection = class extends DiagNative {
    constructor(config?: RTCConfiguration) {
      super(config);
      diagPcs.push(this);
    }
  };
}
async function diagStats(): Promise<string> {
  const out: string[] = [];
  for (const pc of diagPcs) {
    if (pc.connectionState === 'closed') continue;
    const stats = await pc.getStats();
    const parts: string[] = [`pc ${pc.connectionState}/${pc.iceConnectionState} sctp=${pc.sctp?.state}`];
    stats.forEach((r) => {
      if (r.type === 'data-channel') parts.push(`dc ${r.label} ${r.state} sent=${r.messagesSent} recv=${r.messagesReceived}`);
      if (r.type === 'transport') parts.push(`transport sent=${r.packetsSent} recv=${r.packetsReceived} dtls=${r.dtlsState} pair=${r.selectedCandidatePairId}`);
      if (r.type === 'candidate-pair' && r.nominated) parts.push(`pair ${r.id} ${r.state} sent=${r.packetsSent} recv=${r.packetsReceived} req=${r.requestsSent}/${r.responsesReceived} l=${r.localCandidateId} r=${r.remoteCandidateId}`);
      if (r.type === 'local-candidate' || r.type === 'remote-candidate') parts.push(`${r.type} ${r.id} ${r.candidateType} ${r.address}:${r.port} ${r.protocol} ${r.relayProtocol ?? ''}`);
    });
    out.push(parts.join(', '));
  }
  return out.join(' | ');
}

export interface VerdictRunOutcome {
  readonly ok: boolean;
  readonly transport?: string;
  /** The probe's verdict (from the result; absent when the connect failed). */
  readonly verdict?: string;
  /** The negotiator's choice as its `verdict` event announced it: known even when the connect then fails. */
  readonly chosen?: { readonly transport: string; readonly reasons: readonly string[] };
  /** From the `probing` event to the `verdict` event; absent when no probe ran. */
  readonly verdictMs?: number;
  readonly probeMs?: number;
  readonly fallback?: string;
  readonly code?: string;
  readonly message?: string;
  readonly phases: readonly string[];
  /** The result said the WebSocket choice is provisional (WebRTC keeps trying in the background). */
  readonly provisional?: boolean;
  /** From the `connectConvai` call to its promise resolving. */
  readonly connectMs?: number;
}

/** What the conversation is on now, for the "10 s after connect" reading. */
export interface VerdictNow {
  readonly transport: string | undefined;
  readonly reasons: readonly string[];
  /** Negotiation phases seen since connect resolved (an upgrade shows as `upgrade`, `connected`). */
  readonly phases: readonly string[];
  /** Since connect resolved. */
  readonly sinceConnectMs: number;
  /** From the `connectConvai` call to the `upgrade` event; absent without one. */
  readonly upgradeAtMs?: number;
}

let client: ConvaiClient | undefined;
const messages: InboundMessage[] = [];
let startedAt = 0;
let connectedAt = 0;
let upgradeAt: number | undefined;
const later: string[] = [];

async function run(config: ConvaiClientConfig, transport: 'auto' | 'livekit' | 'websocket'): Promise<VerdictRunOutcome> {
  const phases: string[] = [];
  let probingAt: number | undefined;
  let verdictAt: number | undefined;
  let chosen: VerdictRunOutcome['chosen'];
  const onProgress = (e: NegotiationEvent): void => {
    phases.push(e.phase);
    if (e.phase === 'probing') probingAt = performance.now();
    if (e.phase === 'verdict') {
      verdictAt = performance.now();
      chosen = { transport: e.transport, reasons: [...e.reasons] };
    }
  };
  const verdictMs = (): number | undefined =>
    probingAt !== undefined && verdictAt !== undefined ? Math.round((verdictAt - probingAt) * 10) / 10 : undefined;
  startedAt = performance.now();
  upgradeAt = undefined;
  later.length = 0;
  try {
    const { client: c, result } = await connectConvai(config, { transport, onProgress });
    connectedAt = performance.now();
    client = c;
    c.on('inboundMessage', (m) => messages.push(m));
    // what happens after connect (a background upgrade) is recorded too
    c.on('negotiation', (e) => {
      later.push(e.phase);
      if (e.phase === 'upgrade') upgradeAt ??= performance.now();
    });
    const ms = verdictMs();
    return {
      ok: true,
      connectMs: Math.round(connectedAt - startedAt),
      ...(result.provisional !== undefined ? { provisional: result.provisional } : {}),
      transport: result.transport,
      ...(result.verdict ? { verdict: result.verdict } : {}),
      ...(chosen ? { chosen } : {}),
      ...(ms !== undefined ? { verdictMs: ms } : {}),
      ...(result.timings.probeMs !== undefined ? { probeMs: result.timings.probeMs } : {}),
      ...(result.fallback ? { fallback: result.fallback.code } : {}),
      phases,
    };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    const ms = verdictMs();
    return {
      ok: false,
      ...(chosen ? { chosen } : {}),
      ...(ms !== undefined ? { verdictMs: ms } : {}),
      ...(e.code ? { code: e.code } : {}),
      ...(e.message ? { message: e.message } : {}),
      phases,
    };
  }
}

/** Sends a text and waits (bounded) for the bot's echo. */
async function converse(text: string, timeoutMs: number): Promise<string | undefined> {
  if (!client) return undefined;
  const before = messages.length;
  const deadline = performance.now() + timeoutMs;
  try {
    await client.sendUserTextMessage(text);
  } catch (error) {
    return `SEND FAILED ${(error as { code?: string }).code ?? ''} ${(error as Error).message} state=${JSON.stringify(client.state)}`;
  }
  while (performance.now() < deadline) {
    const reply = messages.slice(before).find((m) => m.type === 'bot-llm-text');
    if (reply) return (reply.data as { text: string }).text;
    await new Promise((r) => setTimeout(r, 20));
  }
  return `NO REPLY ${await diagStats()}`;
}

async function disconnect(): Promise<void> {
  const c = client;
  client = undefined;
  await c?.disconnect();
}

function now(): VerdictNow {
  return {
    transport: client?.transport,
    reasons: client?.lastNegotiation?.reasons ?? [],
    phases: [...later],
    sinceConnectMs: Math.round(performance.now() - connectedAt),
    ...(upgradeAt !== undefined ? { upgradeAtMs: Math.round(upgradeAt - startedAt) } : {}),
  };
}

const api = { run, converse, disconnect, now };
declare global {
  interface Window {
    verdictPage: typeof api;
    verdictPageReady: boolean;
  }
}
window.verdictPage = api;
window.verdictPageReady = true;
