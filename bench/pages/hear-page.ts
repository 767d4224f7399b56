import { ConvaiClient, type ConvaiClientConfig } from '../../src/index.js';
import '../../src/websocket.js';
import { analyseBlocks, rfc3550Jitter } from './hear-analysis.js';
import { inboundAudio, selectedPath } from './webrtc-stats.js';

/**
 * "What the user hears" page: a ConvaiClient on a forced transport, its bot audio track
 * read sample by sample by an AudioWorklet in a context of its own (the same tap on both
 * transports: LiveKit's remote track, the WebSocket player's mirror track), WebSocket
 * audio frames timestamped as they arrive, and LiveKit's receiver stats polled.
 * Method: bench/results-file.ts (HEAR_METHOD).
 */

/** A block is audible above this RMS: the bot's tone is 0.177 RMS (peak 0.25), silence is 0. */
const AUDIBLE_RMS = 0.02;
/** The bot's PCM frames on the Pipecat wire: 20 ms at 24 kHz = 960 B of PCM plus the protobuf frame; RTVI messages are far smaller. */
const MIN_AUDIO_FRAME_BYTES = 900;

// -- sockets: optional rerouting (the delay condition's relay) and arrival times of audio frames
let route: { from: string; to: string } | undefined;
let recording = false;
const wsArrivals: number[] = [];
const NativeWebSocket = globalThis.WebSocket;
globalThis.WebSocket = class extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    let target = String(url);
    if (route && target.startsWith(route.from)) target = route.to + target.slice(route.from.length);
    super(target, protocols);
    // added before the library's own listener, so the time is the arrival, not the handling
    this.addEventListener('message', (event: MessageEvent) => {
      if (!recording) return;
      const data: unknown = event.data;
      const size = data instanceof ArrayBuffer ? data.byteLength : data instanceof Blob ? data.size : 0;
      if (size >= MIN_AUDIO_FRAME_BYTES) wsArrivals.push(performance.now());
    });
  }
};

const peers: RTCPeerConnection[] = [];
const NativePeerConnection = globalThis.RTCPeerConnection;
globalThis.RTCPeerConnection = class extends NativePeerConnection {
  constructor(config?: RTCConfiguration) {
    super(config);
    peers.push(this);
  }
};

// -- the meter: RMS of every render quantum of the bot track, with its context time
const METER = `
class HearMeter extends AudioWorkletProcessor {
  constructor() { super(); this.batch = []; }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    let sum = 0;
    if (channel) for (let i = 0; i < channel.length; i++) sum += channel[i] * channel[i];
    this.batch.push(currentTime, channel ? Math.sqrt(sum / channel.length) : 0, channel ? channel.length / sampleRate : 128 / sampleRate);
    if (this.batch.length >= 300) { this.port.postMessage(this.batch); this.batch = []; }
    return true;
  }
}
registerProcessor('hear-meter', HearMeter);
`;

interface Meter {
  readonly context: AudioContext;
  /** Flat triples: context time (s), RMS, block duration (s). */
  readonly blocks: number[];
}
let meter: Meter | undefined;
let meterError: string | undefined;

async function startMeter(track: MediaStreamTrack): Promise<void> {
  const context = new AudioContext();
  const url = URL.createObjectURL(new Blob([METER], { type: 'text/javascript' }));
  await context.audioWorklet.addModule(url);
  URL.revokeObjectURL(url);
  const node = new AudioWorkletNode(context, 'hear-meter');
  const blocks: number[] = [];
  node.port.onmessage = (event: MessageEvent<number[]>) => {
    if (recording) blocks.push(...event.data);
  };
  context.createMediaStreamSource(new MediaStream([track])).connect(node);
  // a node nobody pulls is not rendered: pull it through a muted gain
  const mute = context.createGain();
  mute.gain.value = 0;
  node.connect(mute).connect(context.destination);
  await context.resume();
  meter = { context, blocks };
}

let client: ConvaiClient | undefined;
let botReady = false;
/** Why a run heard nothing: how many bot tracks came, and whether the session reconnected. */
const trail: string[] = [];
const botEvents: { type: string; at: number }[] = [];

export interface HearConnect {
  readonly config: ConvaiClientConfig;
  /** Rewrite socket URLs starting with `from` to start with `to` (a delaying relay in front of the backend). */
  readonly route?: { from: string; to: string };
}

async function connect(input: HearConnect): Promise<{ ok: boolean; code?: string; message?: string }> {
  route = input.route;
  const c = new ConvaiClient(input.config);
  client = c;
  c.on('inboundMessage', (m) => botEvents.push({ type: m.type, at: performance.now() }));
  c.on('botReady', () => {
    botReady = true;
  });
  c.on('reconnecting', (r) => trail.push(`reconnecting (${r.reason}) at ${Math.round(performance.now())}`));
  c.on('botAudioTrack', (track) => {
    trail.push(`bot track ${track.readyState} at ${Math.round(performance.now())}`);
    startMeter(track).catch((error: unknown) => {
      meterError = error instanceof Error ? error.message : String(error);
    });
  });
  try {
    await c.connect();
    return { ok: true };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ok: false, ...(e.code ? { code: e.code } : {}), ...(e.message ? { message: e.message } : {}) };
  }
}

/**
 * Resolves once the bot said it is ready (on LiveKit `connect()` resolves when the peer connection
 * is up, and `bot-ready` comes over the data channel after it: a message sent before may wait for the
 * channel to open) and the meter reads the bot track in a running context.
 */
async function meterReady(timeoutMs: number): Promise<string | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (meterError) return meterError;
    if (botReady && meter?.context.state === 'running') return undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
  return botReady ? 'no bot audio track within the timeout' : 'no bot-ready within the timeout';
}

export interface HearSample {
  readonly ok: boolean;
  readonly error?: string;
  /** The user's message sent -> the first audible block of the bot track (ms). */
  readonly firstAudibleMs?: number;
  /** The user's message sent -> the bot's `bot-llm-started` back (ms): the data path's round trip. */
  readonly replyEventMs?: number;
  /** First to last audible block (ms): 10 000 for a 10 s reply played without stretching. */
  readonly playoutMs?: number;
  /** Share of the playout span that was silent (underruns), 0..1. */
  readonly gapShare?: number;
  readonly gapCount?: number;
  readonly longestGapMs?: number;
  /** Where the first gaps start, ms after the first audible block (where in the reply they fall). */
  readonly gapOffsetsMs?: readonly number[];
  /** RFC 3550 interarrival jitter (ms), mean over the reply. */
  readonly jitterMs?: number;
  /** LiveKit only: share of played samples that NetEq concealed (lost or late packets), 0..1. */
  readonly concealedShare?: number;
  /** LiveKit only: packets lost / expected during the reply. */
  readonly packetLoss?: number;
  /** LiveKit only: mean time a sample waited in the jitter buffer (ms). */
  readonly jitterBufferMs?: number;
  /** WebSocket only: audio frames received. */
  readonly frames?: number;
  /** LiveKit only: the selected pair's local candidate, e.g. `relay/udp`. */
  readonly path?: string;
}

/**
 * Sends one user message and records the bot's spoken reply until `bot-stopped-speaking`
 * (plus a tail, so late audio is counted), then reduces the recording to the figures.
 */
async function hear(text: string, timeoutMs: number): Promise<HearSample> {
  const c = client;
  const m = meter;
  if (!c || !m) return { ok: false, error: 'not connected or no meter' };
  const transport = c.transport;
  wsArrivals.length = 0;
  m.blocks.length = 0;
  const eventsBefore = botEvents.length;
  const jitterSamples: number[] = [];
  const statsBefore = transport === 'livekit' ? await inboundAudio(peers) : undefined;
  recording = true;
  const stamp = m.context.getOutputTimestamp();
  const sentAt = performance.now();
  await c.sendUserTextMessage(text);
  const deadline = sentAt + timeoutMs;
  let stoppedAt: number | undefined;
  // the receiver's figures as of the reply's last packet: after it NetEq keeps "concealing"
  // (fading out) on every 10 ms tick, which is the end of speech, not a loss
  let atLastPacket = statsBefore;
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (transport === 'livekit' && atLastPacket) {
      const s = await inboundAudio(peers);
      if (s.packetsReceived > atLastPacket.packetsReceived) {
        atLastPacket = s;
        if (Number.isFinite(s.jitterMs)) jitterSamples.push(s.jitterMs);
      }
    }
    stoppedAt ??= botEvents.slice(eventsBefore).find((e) => e.type === 'bot-stopped-speaking')?.at;
    // the last packets of a reply may still be in flight or queued when the event arrives
    if (stoppedAt !== undefined && performance.now() - stoppedAt > 1_000) break;
  }
  recording = false;
  const statsAfter = atLastPacket;
  if (stoppedAt === undefined) {
    const seen = botEvents.slice(eventsBefore).map((e) => e.type).join(',') || 'none';
    return { ok: false, error: `no bot-stopped-speaking within the timeout (bot messages after ours: ${seen}; ${trail.join('; ') || 'no track or reconnect events'})` };
  }

  // context time -> page time, by the output timestamp taken when the message was sent
  const toPage = (contextTime: number): number =>
    (stamp.performanceTime ?? sentAt) + (contextTime - (stamp.contextTime ?? 0)) * 1000;
  const heard = analyseBlocks(m.blocks, AUDIBLE_RMS);
  if (!heard) {
    const loudest = m.blocks.reduce((max, v, i) => (i % 3 === 1 ? Math.max(max, v) : max), 0);
    const lk = transport === 'livekit' ? `; RTP packets during the reply ${statsAfter && statsBefore ? statsAfter.packetsReceived - statsBefore.packetsReceived : '?'}, path ${(await selectedPath(peers)) ?? '?'}` : '';
    return {
      ok: false,
      error: `nothing audible on the bot track (loudest RMS ${loudest.toFixed(4)}, ${m.blocks.length / 3} blocks${lk}; ${trail.join('; ')}; message sent at ${Math.round(sentAt)})`,
    };
  }
  const started = botEvents.slice(eventsBefore).find((e) => e.type === 'bot-llm-started')?.at;
  const sample: HearSample = {
    ok: true,
    firstAudibleMs: toPage(heard.firstTime) - sentAt,
    ...(started !== undefined ? { replyEventMs: started - sentAt } : {}),
    playoutMs: heard.playoutMs,
    gapShare: heard.gapShare,
    gapCount: heard.gapCount,
    longestGapMs: heard.longestGapMs,
    gapOffsetsMs: heard.gapOffsetsMs,
  };
  if (transport === 'websocket') {
    return { ...sample, jitterMs: rfc3550Jitter(wsArrivals), frames: wsArrivals.length };
  }
  if (!statsBefore || !statsAfter) return { ...sample, error: 'no inbound audio stats' };
  const path = await selectedPath(peers);
  const received = statsAfter.packetsReceived - statsBefore.packetsReceived;
  const lost = statsAfter.packetsLost - statsBefore.packetsLost;
  const samples = statsAfter.totalSamplesReceived - statsBefore.totalSamplesReceived;
  const emitted = statsAfter.jitterBufferEmitted - statsBefore.jitterBufferEmitted;
  return {
    ...sample,
    jitterMs: jitterSamples.length > 0 ? jitterSamples.reduce((a, b) => a + b, 0) / jitterSamples.length : Number.NaN,
    concealedShare: samples > 0 ? (statsAfter.concealedSamples - statsBefore.concealedSamples) / samples : Number.NaN,
    packetLoss: received + lost > 0 ? lost / (received + lost) : Number.NaN,
    jitterBufferMs: emitted > 0 ? (statsAfter.jitterBufferDelayMs - statsBefore.jitterBufferDelayMs) / emitted : Number.NaN,
    ...(path ? { path } : {}),
  };
}

async function disconnect(): Promise<void> {
  await client?.disconnect();
  await meter?.context.close().catch(() => undefined);
  meter = undefined;
}

const api = { connect, meterReady, hear, disconnect, transport: () => client?.transport };

declare global {
  interface Window {
    hearPage: typeof api;
    hearReady: boolean;
  }
}
window.hearPage = api;
window.hearReady = true;
