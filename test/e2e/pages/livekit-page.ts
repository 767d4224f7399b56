import { ConvaiClient, type ConvaiClientConfig, type InboundMessage } from '../../../src/index.js';
import { trackInstances, peakMeter } from '../../support/page-instruments.js';

/**
 * Test page for the LiveKit path: a real ConvaiClient in Chromium, driven from
 * Playwright through `window.lk`. Every RTCPeerConnection is counted by wrapping
 * the constructor, so a test can prove a failed connect leaves none open.
 */

const created = trackInstances('RTCPeerConnection');

const micTracks: MediaStreamTrack[] = [];
const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await nativeGetUserMedia(constraints);
  micTracks.push(...stream.getAudioTracks());
  return stream;
};

/** Switches to another fake microphone through `audioControls`, as a device picker would. */
async function switchMic(): Promise<{ inputs: number; chosen: string; capturing: string | undefined }> {
  const audio = client!.audioControls;
  const inputs = await audio.getAudioDevices();
  const current = micTracks.find((t) => t.readyState === 'live')?.getSettings().deviceId;
  const other = inputs.find((d) => d.deviceId && d.deviceId !== current && d.deviceId !== 'default' && d.deviceId !== 'communications');
  if (!other) return { inputs: inputs.length, chosen: '', capturing: current };
  await audio.setAudioDevice(other.deviceId);
  const live = micTracks.filter((t) => t.readyState === 'live');
  return { inputs: inputs.length, chosen: other.deviceId, capturing: live.at(-1)?.getSettings().deviceId };
}

export interface ConnectResult {
  readonly ok: boolean;
  readonly code?: string;
  readonly name?: string;
  readonly message?: string;
  readonly elapsedMs: number;
}

let client: ConvaiClient | undefined;
const messages: InboundMessage[] = [];
const errors: { code: string; message: string }[] = [];

/** Peak level heard on the bot's track (LiveKit's remote audio), in an AudioContext of its own. */
const bot = peakMeter();
const botTracks: string[] = [];

async function connect(config: ConvaiClientConfig): Promise<ConnectResult> {
  client = new ConvaiClient(config);
  client.on('inboundMessage', (m) => messages.push(m));
  client.on('botAudioTrack', (t) => {
    botTracks.push(t.kind);
    bot.watch(t);
  });
  client.on('error', (e) => errors.push({ code: e.code, message: e.message }));
  const started = performance.now();
  try {
    await client.connect();
    return { ok: true, elapsedMs: performance.now() - started };
  } catch (error) {
    const e = error as { code?: string; name?: string; message?: string };
    return {
      ok: false,
      ...(e.code ? { code: e.code } : {}),
      ...(e.name ? { name: e.name } : {}),
      ...(e.message ? { message: e.message } : {}),
      elapsedMs: performance.now() - started,
    };
  }
}

/** Waits for a message of `type` (after `after` messages), up to `timeoutMs`. */
async function waitForMessage(type: string, after: number, timeoutMs: number): Promise<InboundMessage | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const found = messages.slice(after).find((m) => m.type === type);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

/** Candidate types of the selected pair on every open connection (e.g. 'relay'/'host'), with the relay protocol. */
async function selectedPairs(): Promise<{ local: string; remote: string; relayProtocol: string | undefined }[]> {
  const out: { local: string; remote: string; relayProtocol: string | undefined }[] = [];
  for (const pc of created) {
    if (pc.signalingState === 'closed') continue;
    const stats = await pc.getStats();
    const byId = new Map<string, Record<string, unknown>>();
    stats.forEach((s: Record<string, unknown>) => byId.set(s['id'] as string, s));
    stats.forEach((s: Record<string, unknown>) => {
      if (s['type'] !== 'transport' || typeof s['selectedCandidatePairId'] !== 'string') return;
      const pair = byId.get(s['selectedCandidatePairId']);
      const local = pair && byId.get(pair['localCandidateId'] as string);
      const remote = pair && byId.get(pair['remoteCandidateId'] as string);
      if (!local || !remote) return;
      out.push({
        local: String(local['candidateType']),
        remote: String(remote['candidateType']),
        relayProtocol: typeof local['relayProtocol'] === 'string' ? local['relayProtocol'] : undefined,
      });
    });
  }
  return out;
}

/** Opus packets the page's open connections have sent (outbound-rtp audio), from getStats(). */
async function audioPacketsSent(): Promise<number> {
  let sent = 0;
  for (const pc of created) {
    if (pc.signalingState === 'closed') continue;
    const stats = await pc.getStats();
    stats.forEach((s: Record<string, unknown>) => {
      if (s['type'] === 'outbound-rtp' && s['kind'] === 'audio') sent += Number(s['packetsSent'] ?? 0);
    });
  }
  return sent;
}

const api = {
  connect,
  audioPacketsSent,
  switchMic,
  waitForMessage,
  selectedPairs,
  messageCount: () => messages.length,
  messageTypes: () => messages.map((m) => m.type),
  errors: () => errors.slice(),
  botPeak: () => bot.peak,
  botTracks: () => botTracks.slice(),
  state: () => client?.state,
  send: (text: string) => client!.sendUserTextMessage(text),
  disconnect: () => client?.disconnect(),
  peerConnections: () => ({
    created: created.length,
    open: created.filter((pc) => pc.signalingState !== 'closed').length,
  }),
};

declare global {
  interface Window {
    lk: typeof api;
    lkReady: boolean;
  }
}
window.lk = api;
window.lkReady = true;
