import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PipecatSocket, STALLED_CLOSE_CODE, type WebSocketLike } from '../../src/transports/pipecat-socket.js';

/** A socket whose send queue the test controls: `bufferedAmount` is what a stalled TCP connection shows. */
class QueueSocket implements WebSocketLike {
  static last: QueueSocket | undefined;
  binaryType = '';
  readyState = 0;
  bufferedAmount = 0;
  readonly sent: Uint8Array[] = [];
  closed: { code?: number; reason?: string } | undefined;
  private readonly listeners = new Map<string, ((event: never) => void)[]>();
  constructor(readonly url: string) {
    QueueSocket.last = this;
  }
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closed = { ...(code !== undefined ? { code } : {}), ...(reason !== undefined ? { reason } : {}) };
    this.readyState = 3;
  }
  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  removeEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, (this.listeners.get(type) ?? []).filter((l) => l !== listener));
  }
  open(): void {
    this.readyState = 1;
    for (const l of this.listeners.get('open') ?? []) l({} as never);
  }
}

const audio = new Uint8Array([0x12, 0x03, 1, 2, 3]);
const message = new Uint8Array([0x22, 0x02, 0x0a, 0x00]);

let closes: { code: number; reason: string }[];
async function openSocket(limits = { maxBufferedBytes: 1000, stallMs: 2000 }): Promise<{ socket: PipecatSocket; ws: QueueSocket }> {
  closes = [];
  const socket = new PipecatSocket(
    'ws://127.0.0.1:1/ws',
    { onOpen: () => undefined, onMessage: () => undefined, onTextFrame: () => undefined, onClose: (code, reason) => closes.push({ code, reason }) },
    QueueSocket,
    limits,
  );
  const connecting = socket.connect();
  QueueSocket.last!.open();
  await connecting;
  return { socket, ws: QueueSocket.last! };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('PipecatSocket liveness', () => {
  it('drops mic audio past the send-queue cap, keeps sending messages', async () => {
    const { socket, ws } = await openSocket();
    await socket.send(audio);
    ws.bufferedAmount = 5000;
    await socket.send(audio);
    await socket.send(message);
    expect(ws.sent).toEqual([audio, message]);
    expect(socket.droppedAudioFrames).toBe(1);
    await socket.close();
  });

  it('ends a connection whose queue does not move for stallMs, as lost, once', async () => {
    const { ws } = await openSocket();
    ws.bufferedAmount = 300;
    await vi.advanceTimersByTimeAsync(1500);
    expect(closes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(closes).toHaveLength(1);
    expect(closes[0]!.code).toBe(STALLED_CLOSE_CODE);
    expect(closes[0]!.reason).toContain('300 bytes queued');
    expect(ws.closed).toBeDefined();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(closes).toHaveLength(1);
    // the watchdog's interval is gone with the connection
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a queue that drains, or an empty one, is alive', async () => {
    const { socket, ws } = await openSocket();
    for (let i = 0; i < 20; i++) {
      ws.bufferedAmount = i % 2 === 0 ? 800 : 200;
      await vi.advanceTimersByTimeAsync(500);
    }
    ws.bufferedAmount = 0;
    await vi.advanceTimersByTimeAsync(5000);
    expect(closes).toEqual([]);
    await socket.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
