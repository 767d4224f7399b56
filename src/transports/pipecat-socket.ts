/**
 * The WebSocket under Pipecat's `WebSocketTransport`, in place of its
 * `ReconnectingWebSocket`. Ours because that one cannot be cancelled while it
 * connects: `close()` during the handshake leaves the socket opening and a 150 s
 * timer running, it reconnects behind our back when told to, and it logs to the
 * console. This one closes in any state, never retries (the negotiator decides what
 * to try next) and reports every event to its owner.
 */

export interface SocketHandlers {
  onOpen(): void;
  onMessage(bytes: Uint8Array): void;
  /** A text frame: Pipecat's protobuf wire has none, so it is a protocol error. */
  onTextFrame(): void;
  /** Closed by the peer or the network after it was open. */
  onClose(code: number, reason: string): void;
}

/** The slice of `WebSocket` we use, so a test can hand in Node's `ws`. */
export type WebSocketLike = {
  binaryType: string;
  readonly readyState: number;
  /** Bytes queued by send() and not yet handed to the network. */
  readonly bufferedAmount?: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: never) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
};

export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;
const CLOSED = 3;

/** Liveness limits of the socket. */
export interface SocketLimits {
  /**
   * Bytes the browser may hold unsent before mic audio is dropped (messages still go):
   * ~8 s of 16 kHz PCM16. A link that cannot keep up loses audio, never memory.
   * @default 262144
   */
  readonly maxBufferedBytes?: number;
  /**
   * How long unsent bytes may stay queued without a single one leaving before the
   * connection counts as dead (a half-open TCP connection never says so itself).
   * @default 10000
   */
  readonly stallMs?: number;
}

export const SOCKET_LIMITS = { maxBufferedBytes: 256 * 1024, stallMs: 10_000 } as const;

/** Code reported to `onClose` when the watchdog ends a stalled connection (4000-4999: application use). */
export const STALLED_CLOSE_CODE = 4408;

/** A `pipecat.Frame` whose oneof is `audio` (field 2, length-delimited) starts with this byte. */
const AUDIO_FRAME_TAG = 0x12;

export class PipecatSocket {
  /** Pipecat's transport writes this; we have no keep-alive to configure. */
  keepAliveInterval = 0;
  private ws: WebSocketLike | undefined;
  private closedByUs = false;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  /** Mic frames dropped because the connection could not keep up. */
  droppedAudioFrames = 0;

  constructor(
    private readonly url: string,
    private readonly handlers: SocketHandlers,
    private readonly WebSocketImpl: WebSocketConstructor,
    private readonly limits: SocketLimits = {},
  ) {}

  get readyState(): number {
    return this.ws?.readyState ?? CLOSED;
  }

  get isOpen(): boolean {
    return this.ws?.readyState === OPEN;
  }

  /** Resolves when open; rejects with the close code if the handshake fails. */
  connect(): Promise<void> {
    if (this.closedByUs) return Promise.reject(new Error('socket was closed before it connected'));
    const ws = new this.WebSocketImpl(this.url);
    // ArrayBuffer, not Blob: no async read per frame, and Node's `ws` supports it too
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    return new Promise<void>((resolve, reject) => {
      let opened = false;
      const onOpen = (): void => {
        opened = true;
        this.watch(ws);
        this.handlers.onOpen();
        resolve();
      };
      const onMessage = (event: MessageEvent): void => {
        if (this.closedByUs) return;
        const data: unknown = event.data;
        if (data instanceof ArrayBuffer) this.handlers.onMessage(new Uint8Array(data));
        else if (ArrayBuffer.isView(data)) this.handlers.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        else this.handlers.onTextFrame();
      };
      const onClose = (event: CloseEvent): void => {
        this.stopWatching();
        ws.removeEventListener('open', onOpen as (event: never) => void);
        ws.removeEventListener('message', onMessage as (event: never) => void);
        ws.removeEventListener('close', onClose as (event: never) => void);
        if (!opened) {
          reject(new Error(`WebSocket handshake failed (close code ${event.code})`));
          return;
        }
        if (!this.closedByUs) this.handlers.onClose(event.code, event.reason);
      };
      ws.addEventListener('open', onOpen as (event: never) => void);
      ws.addEventListener('message', onMessage as (event: never) => void);
      ws.addEventListener('close', onClose as (event: never) => void);
      // 'error' is always followed by 'close', which carries the code; nothing to do here
      ws.addEventListener('error', () => undefined);
      if (this.closedByUs) ws.close();
    });
  }

  async send(data: Uint8Array): Promise<void> {
    const ws = this.ws;
    if (ws?.readyState !== OPEN) return;
    const max = this.limits.maxBufferedBytes ?? SOCKET_LIMITS.maxBufferedBytes;
    if (data[0] === AUDIO_FRAME_TAG && (ws.bufferedAmount ?? 0) > max) {
      this.droppedAudioFrames += 1;
      return;
    }
    ws.send(data);
  }

  /**
   * Browsers expose no WebSocket ping, and a half-open connection looks open forever:
   * sends just queue up. Progress is the signal: queued bytes that do not shrink for
   * `stallMs` mean nothing reaches the peer, and the connection is ended as lost.
   */
  private watch(ws: WebSocketLike): void {
    const stallMs = this.limits.stallMs ?? SOCKET_LIMITS.stallMs;
    const every = Math.max(50, Math.round(stallMs / 4));
    let last = 0;
    let stalledFor = 0;
    this.watchdog = setInterval(() => {
      const queued = ws.bufferedAmount ?? 0;
      stalledFor = queued > 0 && queued >= last ? stalledFor + every : 0;
      last = queued;
      if (stalledFor < stallMs || this.closedByUs) return;
      this.stopWatching();
      this.closedByUs = true;
      try {
        ws.close(1000, 'stalled');
      } catch {
        // see close()
      }
      this.handlers.onClose(STALLED_CLOSE_CODE, `no data left for ${stallMs} ms with ${queued} bytes queued`);
    }, every);
  }

  private stopWatching(): void {
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  /** Closes in any state, including mid-handshake; idempotent. */
  async close(): Promise<void> {
    this.stopWatching();
    this.closedByUs = true;
    const ws = this.ws;
    if (!ws || ws.readyState === CLOSED) return;
    try {
      ws.close(1000, 'client disconnect');
    } catch {
      // close() only throws on a bad code/reason; ours are valid
    }
  }
}
