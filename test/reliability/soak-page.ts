import { ConvaiClient, type ConvaiClientConfig, type TransportPreference } from '../../src/index.js';
// `transport: 'auto'`, and a forced 'websocket' that loads its chunk on demand
import '../../src/auto.js';
import { openPeerConnections, trackInstances } from '../support/page-instruments.js';
import { ReplyTally, type Tally } from './reply-tally.js';

/**
 * Soak page: one real ConvaiClient connected and disconnected many times, or kept in
 * a long conversation, driven from Node through `window.soak`. Resources are counted as
 * the fault page counts them (every RTCPeerConnection, WebSocket, AudioContext, mic track
 * and interval the page creates), but the closed ones are dropped from the lists at each
 * reading so that the counting itself keeps nothing alive over hundreds of cycles (and a
 * page keeps under Chromium's cap of 500 peer connections, which counts uncollected ones).
 * Replies are counted per message text: a lost reply and a duplicated one both show.
 */

const peers = trackInstances('RTCPeerConnection');
const sockets = trackInstances('WebSocket');
const contexts = trackInstances('AudioContext');
const tracks: MediaStreamTrack[] = [];
const created = { peerConnections: 0, sockets: 0, audioContexts: 0, tracks: 0 };

const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await nativeGetUserMedia(constraints);
  tracks.push(...stream.getTracks());
  return stream;
};

/**
 * `devicechange` listeners on navigator.mediaDevices, held by WeakRef (a strong hold would
 * keep alive what they reach). One left per connect kept every LiveKit room alive.
 */
const deviceListeners = new Set<WeakRef<object>>();
const media = navigator.mediaDevices;
const nativeAdd = media.addEventListener.bind(media);
const nativeRemove = media.removeEventListener.bind(media);
const forget = (listener: object): void => {
  for (const ref of deviceListeners) if (ref.deref() === listener) deviceListeners.delete(ref);
};
media.addEventListener = ((type: string, listener: EventListenerOrEventListenerObject | null, opts?: boolean | AddEventListenerOptions) => {
  if (type === 'devicechange' && listener) {
    deviceListeners.add(new WeakRef(listener));
    if (typeof opts === 'object') opts.signal?.addEventListener('abort', () => forget(listener), { once: true });
  }
  nativeAdd(type, listener as EventListenerOrEventListenerObject, opts);
}) as MediaDevices['addEventListener'];
media.removeEventListener = ((type: string, listener: EventListenerOrEventListenerObject | null, opts?: boolean | EventListenerOptions) => {
  if (type === 'devicechange' && listener) forget(listener);
  nativeRemove(type, listener as EventListenerOrEventListenerObject, opts);
}) as MediaDevices['removeEventListener'];

/** Intervals never end by themselves: one left running after disconnect is a leak. */
const intervals = new Map<number, string>();
const nativeSetInterval = globalThis.setInterval.bind(globalThis);
const nativeClearInterval = globalThis.clearInterval.bind(globalThis);
globalThis.setInterval = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
  const id = nativeSetInterval(handler, ms, ...args);
  // where it was set: a leftover names its owner
  intervals.set(id, new Error().stack?.split('\n').slice(2, 7).join(' | ') ?? '');
  return id;
}) as typeof setInterval;
globalThis.clearInterval = ((id?: number) => {
  if (id !== undefined) intervals.delete(id);
  nativeClearInterval(id);
}) as typeof clearInterval;

/**
 * Replies seen on the page's own RTCDataChannels, per message text, before livekit-client
 * reads them (livekit-client's v1 signalling receives on the channels it creates). For a
 * LiveKit reply the client never delivered, this tells "never reached the browser's data
 * channel" (the room's peer or the path) from "reached it and was dropped on the page".
 */
const onDataChannel = new Map<string, number>();
const REPLY_ON_WIRE = /You said: ([^"\\]*)"/;
const countOnWire = (bytes: Uint8Array): void => {
  const m = REPLY_ON_WIRE.exec(new TextDecoder('latin1').decode(bytes));
  if (m) onDataChannel.set(m[1]!, (onDataChannel.get(m[1]!) ?? 0) + 1);
};
const nativeCreateDataChannel = RTCPeerConnection.prototype.createDataChannel;
RTCPeerConnection.prototype.createDataChannel = function (this: RTCPeerConnection, label: string, init?: RTCDataChannelInit) {
  const channel = nativeCreateDataChannel.call(this, label, init);
  channel.addEventListener('message', (e: MessageEvent<unknown>) => {
    if (e.data instanceof ArrayBuffer) countOnWire(new Uint8Array(e.data));
    else if (e.data instanceof Blob) void e.data.arrayBuffer().then((b) => countOnWire(new Uint8Array(b)));
  });
  return channel;
};

export interface SoakLeftovers {
  readonly openPeerConnections: number;
  readonly openSockets: number;
  readonly liveTracks: number;
  readonly openAudioContexts: number;
  readonly intervals: number;
  /** `devicechange` listeners on navigator.mediaDevices. */
  readonly deviceListeners: number;
  /**
   * Closed peer connections that still had an event handler when this page saw them closed.
   * Chromium keeps a peer connection closed while still gathering alive, and its handlers
   * with it: one left by livekit-client kept a whole room alive.
   */
  readonly peerHandlersLeft: number;
  /** Totals created since the page loaded (closed ones included). */
  readonly created: { readonly peerConnections: number; readonly sockets: number; readonly audioContexts: number; readonly tracks: number };
}

function prune<T>(list: T[], closed: (x: T) => boolean, key: keyof typeof created, seen: WeakSet<object>): void {
  for (const x of list) {
    if (!seen.has(x as object)) {
      seen.add(x as object);
      created[key] += 1;
    }
  }
  for (let i = list.length - 1; i >= 0; i--) if (closed(list[i]!)) list.splice(i, 1);
}
const seen = new WeakSet<object>();

const PEER_HANDLERS = [
  'onicecandidate', 'onicecandidateerror', 'oniceconnectionstatechange', 'onicegatheringstatechange', 'onconnectionstatechange',
  'onsignalingstatechange', 'onnegotiationneeded', 'ondatachannel', 'ontrack',
] as const;
let peerHandlersLeft = 0;

function leftovers(): SoakLeftovers {
  prune(
    peers,
    (pc) => {
      const closed = openPeerConnections([pc]) === 0;
      if (closed && PEER_HANDLERS.some((name) => pc[name] !== null)) peerHandlersLeft += 1;
      return closed;
    },
    'peerConnections',
    seen,
  );
  prune(sockets, (s) => s.readyState === WebSocket.CLOSED, 'sockets', seen);
  prune(contexts, (c) => c.state === 'closed', 'audioContexts', seen);
  prune(tracks, (t) => t.readyState === 'ended', 'tracks', seen);
  return {
    openPeerConnections: peers.length,
    openSockets: sockets.length,
    liveTracks: tracks.length,
    openAudioContexts: contexts.length,
    intervals: intervals.size,
    deviceListeners: deviceListeners.size,
    peerHandlersLeft,
    created: { ...created },
  };
}

export type { Tally } from './reply-tally.js';

let client: ConvaiClient | undefined;
const replies = new ReplyTally();
const waiters = new Map<string, () => void>();
let errors: string[] = [];

function create(config: ConvaiClientConfig): void {
  client = new ConvaiClient(config);
  client.on('inboundMessage', (m) => {
    if (m.type !== 'bot-llm-text') return;
    const text = (m.data as { text?: unknown }).text;
    const asked = typeof text === 'string' && text.startsWith('You said: ') ? text.slice('You said: '.length) : undefined;
    replies.reply(asked);
    if (asked !== undefined) waiters.get(asked)?.();
  });
  // every error event, by code: a soak must end with none it did not cause
  client.on('error', (e) => errors.push(e.code));
  client.on('reconnecting', () => replies.reconnecting());
}

async function connect(transport: TransportPreference): Promise<{ ok: boolean; transport?: string; code?: string; message?: string }> {
  try {
    await client!.connect({ transport });
    return { ok: true, transport: client!.transport ?? 'none' };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ok: false, ...(e.code ? { code: e.code } : {}), ...(e.message ? { message: e.message } : {}) };
  }
}

/** Sends `text` and waits for its reply (or `timeoutMs`); true when it came. */
async function roundTrip(text: string, timeoutMs: number): Promise<boolean> {
  replies.sending(text);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const replied = new Promise<boolean>((resolve) => {
    waiters.set(text, () => resolve(true));
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  if (!(await client!.sendUserTextMessage(text))) {
    replies.sendFailed(text);
    waiters.delete(text);
    clearTimeout(timer);
    return false;
  }
  const ok = await replied;
  clearTimeout(timer);
  waiters.delete(text);
  if (!ok) replies.gaveUp(text);
  return ok;
}

const tally = (): Tally => replies.tally((text) => onDataChannel.has(text));

const api = {
  create,
  connect,
  roundTrip,
  tally,
  leftovers,
  disconnect: async () => client?.disconnect(),
  chatLength: () => client?.chatMessages.length ?? 0,
  isConnected: () => client?.state.isConnected ?? false,
  /** The conversation's id (the local LiveKit room is named after it). */
  characterSessionId: () => client?.characterSessionId,
  /** Where each running interval was set. */
  intervalStacks: () => [...intervals.values()],
  /** Error codes seen since the last call. */
  takeErrors: () => {
    const out = errors;
    errors = [];
    return out;
  },
};

declare global {
  interface Window {
    soak: typeof api;
    benchReady: boolean;
  }
}
window.soak = api;
// the bench stack's page loader waits for this flag (bench/stack.ts)
window.benchReady = true;
