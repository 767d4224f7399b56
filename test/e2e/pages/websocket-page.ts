import { ConvaiClient, type ChatMessage, type ConvaiClientConfig } from '../../../src/index.js';
import '../../../src/websocket.js';
import { trackInstances, peakMeter } from '../../support/page-instruments.js';

/**
 * Test page for the WebSocket path: a real ConvaiClient with `transport: 'websocket'`
 * after importing the subpath, driven from Playwright through `window.ws`. Every
 * AudioContext, mic track and WebSocket the page creates is recorded by wrapping the
 * constructors, so a test can prove a disconnect leaves none open.
 */

// kept for the bot-level meter, whose context must not count as the library's
const NativeAudioContext = globalThis.AudioContext;
const contexts = trackInstances('AudioContext');

const micTracks: MediaStreamTrack[] = [];
/** `--use-fake-ui-for-media-stream` grants every request, so a denial is simulated here. */
let denyMic = false;
const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  if (denyMic) throw new DOMException('Permission denied', 'NotAllowedError');
  const stream = await nativeGetUserMedia(constraints);
  micTracks.push(...stream.getTracks());
  return stream;
};

const sockets = trackInstances('WebSocket');

/** Which capture path ran: an AudioWorkletNode, or the ScriptProcessorNode fallback (strict CSP). */
const capture = { workletNodes: 0, scriptProcessors: 0 };
const NativeWorkletNode = globalThis.AudioWorkletNode;
globalThis.AudioWorkletNode = class extends NativeWorkletNode {
  constructor(context: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
    super(context, name, options);
    capture.workletNodes += 1;
  }
};
const nativeCreateScriptProcessor = BaseAudioContext.prototype.createScriptProcessor;
BaseAudioContext.prototype.createScriptProcessor = function (this: BaseAudioContext, ...args) {
  capture.scriptProcessors += 1;
  return nativeCreateScriptProcessor.apply(this, args);
};

export interface ConnectResult {
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
}

export interface Leftovers {
  readonly audioContexts: number;
  readonly openAudioContexts: number;
  readonly micTracks: number;
  readonly liveMicTracks: number;
  readonly sockets: number;
  readonly openSockets: number;
}

let client: ConvaiClient | undefined;
let chat: readonly ChatMessage[] = [];
const errors: { code: string; message: string }[] = [];
const botTracks: string[] = [];
const disconnects: { reason: string; code?: string }[] = [];

/** Peak level heard on the bot's track, measured in a context of its own (not counted above). */
const bot = peakMeter(NativeAudioContext);

async function connect(config: ConvaiClientConfig): Promise<ConnectResult> {
  client = new ConvaiClient(config);
  client.on('messagesChange', (m) => (chat = m));
  client.on('error', (e) => errors.push({ code: e.code, message: e.message }));
  client.on('botAudioTrack', (t) => {
    botTracks.push(t.kind);
    bot.watch(t);
  });
  client.on('disconnect', (d) => disconnects.push({ reason: d.reason, ...(d.error ? { code: d.error.code } : {}) }));
  try {
    await client.connect();
    return { ok: true };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ok: false, ...(e.code ? { code: e.code } : {}), ...(e.message ? { message: e.message } : {}) };
  }
}

async function send(text: string): Promise<void> {
  await client?.sendUserTextMessage(text);
}

async function waitForChat(needle: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (chat.some((m) => m.content.includes(needle))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

function leftovers(): Leftovers {
  return {
    audioContexts: contexts.length,
    openAudioContexts: contexts.filter((c) => c.state !== 'closed').length,
    micTracks: micTracks.length,
    liveMicTracks: micTracks.filter((t) => t.readyState === 'live').length,
    sockets: sockets.length,
    openSockets: sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length,
  };
}

/** Switches to another fake microphone through `audioControls`, as a device picker would. */
async function switchMic(): Promise<{ inputs: number; chosen: string; capturing: string | undefined; live: number }> {
  const audio = client!.audioControls;
  const inputs = await audio.getAudioDevices();
  const current = micTracks.find((t) => t.readyState === 'live')?.getSettings().deviceId;
  const other = inputs.find((d) => d.deviceId && d.deviceId !== current && d.deviceId !== 'default' && d.deviceId !== 'communications');
  if (!other) return { inputs: inputs.length, chosen: '', capturing: current, live: 0 };
  await audio.setAudioDevice(other.deviceId);
  const live = micTracks.filter((t) => t.readyState === 'live');
  return { inputs: inputs.length, chosen: other.deviceId, capturing: live[0]?.getSettings().deviceId, live: live.length };
}

const api = {
  connect,
  switchMic,
  send,
  waitForChat,
  leftovers,
  unmute: () => client?.audioControls.unmuteAudio(),
  mute: () => client?.audioControls.muteAudio(),
  disconnect: () => client?.disconnect(),
  isConnected: () => client?.state.isConnected ?? false,
  errors: () => errors,
  botTracks: () => botTracks,
  disconnects: () => disconnects,
  capture: () => capture,
  botPeak: () => bot.peak,
  denyMic: () => {
    denyMic = true;
  },
};

declare global {
  interface Window {
    ws: typeof api;
    wsReady: boolean;
  }
}
window.ws = api;
window.wsReady = true;
