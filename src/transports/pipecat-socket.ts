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
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: never) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
};

export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;
const CLOSED = 3;

export class PipecatSocket {
  /** Pipecat's transport writes this; we have no keep-alive to configure. */
  keepAliveInterval = 0;
  private ws: WebSocketLike | undefined;
  private closedByUs = false;

  constructor(
    private readonly url: string,
    private readonly handlers: SocketHandlers,
    private readonly WebSocketImpl: WebSocketConstructor,
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
    if (this.ws?.readyState === OPEN) this.ws.send(data);
  }

  /** Closes in any state, including mid-handshake; idempotent. */
  async close(): Promise<void> {
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
