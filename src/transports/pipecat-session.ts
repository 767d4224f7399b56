import { LogLevel, PipecatClient, logger, type RTVIMessage } from '@pipecat-ai/client-js';
import { TypedEmitter } from '../util/emitter.js';
import { encodeMessage } from '../messages/convai-messages.js';
import { ConvaiError } from '../errors/convai-error.js';
import { TransportError } from '../errors/transport-error.js';
import { AbortedError, throwIfAborted } from '../errors/aborted-error.js';
import { redactUrl, redactUrlsIn } from '../util/redact.js';
import { botReadyTimeout, checkWsUrl, connectTimeout, describeError } from './pipecat-errors.js';
import { PcmMediaManager } from './media/pcm-media-manager.js';
import { readInbound } from './pipecat-inbound.js';
import { fatalErrorText, readOutbound } from './pipecat-rtvi.js';
import { PipecatSocket, STALLED_CLOSE_CODE, type SocketLimits, type WebSocketConstructor } from './pipecat-socket.js';
import { ConvaiWebSocketTransport } from './pipecat-transport.js';
import type {
  ConnectTarget,
  IWebSocketSession,
  SessionConnectOptions,
  TransportSessionEvents,
  WebSocketSessionOptions,
} from './transport-session.js';

export interface PipecatSessionOptions extends WebSocketSessionOptions {
  /**
   * The WebSocket implementation. @default globalThis.WebSocket
   * @example import { WebSocket } from 'ws'; // in Node
   */
  readonly WebSocket?: WebSocketConstructor;
  /** URL of a hosted copy of `CAPTURE_WORKLET_SOURCE`, so CSP needs no `blob:`. */
  readonly workletUrl?: string;
  /** Mic sample rate announced to the bot. @default 16000 */
  readonly sampleRate?: number;
  /** The socket's send-queue cap and stall deadline (see `SOCKET_LIMITS`). */
  readonly socketLimits?: SocketLimits;
}

type Phase = 'idle' | 'connecting' | 'connected' | 'closed';

const WHAT = 'WebSocket connect';

/**
 * A Convai session over Pipecat's WebSocket transport: `PipecatClient` runs the RTVI
 * handshake (client-ready -> bot-ready), our `ConvaiWebSocketTransport` carries it,
 * and this class turns RTVI messages into Convai `{type, data}` bytes and back, owns
 * the deadlines and the abort, and guarantees nothing stays open when it fails.
 */
export class PipecatSession implements IWebSocketSession {
  readonly transport = 'websocket' as const;
  private readonly events = new TypedEmitter<TransportSessionEvents>();
  private phase: Phase = 'idle';
  private micOn: boolean;
  private client: PipecatClient | undefined;
  private pipecat: ConvaiWebSocketTransport | undefined;
  private media: PcmMediaManager | undefined;
  private socket: PipecatSocket | undefined;
  private socketOpen = false;
  private micErrorReported = false;
  /** Rejects the pending connect; set only while connecting. */
  private failConnect: ((error: ConvaiError) => void) | undefined;
  private botReadyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly onMessage: (payload: Uint8Array) => void,
    enableMic: boolean,
    private readonly options: PipecatSessionOptions = {},
  ) {
    this.micOn = enableMic;
  }

  get isMicrophoneEnabled(): boolean {
    return this.micOn;
  }

  on<E extends keyof TransportSessionEvents>(
    event: E,
    listener: (payload: TransportSessionEvents[E]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  async connect(target: ConnectTarget, options: SessionConnectOptions): Promise<void> {
    if (this.phase !== 'idle') {
      throw new TransportError('CONNECT_FAILED', 'A PipecatSession connects once; create a new session to reconnect.', {
        transport: 'websocket',
      });
    }
    if (target.transport !== 'websocket') {
      throw new TransportError('CONNECT_FAILED', 'Pipecat session was given a non-WebSocket target.', { transport: 'websocket' });
    }
    const url = checkWsUrl(target.wsUrl);
    throwIfAborted(options.signal, WHAT);
    const WebSocketImpl = this.options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!WebSocketImpl) {
      throw new TransportError('CONNECT_FAILED', 'No WebSocket implementation: pass `options.WebSocket` (e.g. from `ws`).', {
        transport: 'websocket',
      });
    }
    this.phase = 'connecting';
    // Pipecat's logger defaults to DEBUG (every RTVI message); each failure it would
    // log reaches the app as a typed error or event instead
    logger.setLevel(LogLevel.NONE);

    let rejectFailed!: (error: ConvaiError) => void;
    const failed = new Promise<never>((_, reject) => (rejectFailed = reject));
    this.failConnect = (error) => rejectFailed(error);
    const deadline = setTimeout(
      () => this.failConnect?.(this.socketOpen ? botReadyTimeout(options.timeoutMs) : connectTimeout(options.timeoutMs)),
      options.timeoutMs,
    );
    const onAbort = (): void => this.failConnect?.(new AbortedError(WHAT, options.signal?.reason));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    try {
      const client = this.build(url, WebSocketImpl);
      const connected = client.connect({ wsUrl: url }).catch((error: unknown) => {
        throw new TransportError('CONNECT_FAILED', `WebSocket connect to ${redactUrl(url)} failed: ${redactUrlsIn(describeError(error))}`, {
          transport: 'websocket',
          cause: error,
        });
      });
      // it may settle after the race is lost (teardown makes Pipecat reject); that is not news
      connected.catch(() => undefined);
      await Promise.race([connected, failed]);
      if (this.phase !== 'connecting') throw new AbortedError(WHAT);
      this.phase = 'connected';
    } catch (error) {
      await this.teardown();
      throw error instanceof ConvaiError
        ? error
        : new TransportError('CONNECT_FAILED', `WebSocket connect failed: ${describeError(error)}`, { transport: 'websocket', cause: error });
    } finally {
      this.failConnect = undefined;
      clearTimeout(deadline);
      clearTimeout(this.botReadyTimer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private build(url: string, WebSocketImpl: WebSocketConstructor): PipecatClient {
    const media = new PcmMediaManager({
      micEnabled: this.micOn,
      ...(this.options.sampleRate ? { sampleRate: this.options.sampleRate } : {}),
      ...(this.options.workletUrl ? { workletUrl: this.options.workletUrl } : {}),
      onMicError: (error) => this.reportMicError(error),
      onBotTrack: (track) => this.events.emit('botAudioTrack', track),
    });
    const socket = new PipecatSocket(
      url,
      {
        onOpen: () => this.onSocketOpen(),
        onMessage: (bytes) => this.onFrame(bytes),
        onTextFrame: () => this.protocolError('received a text frame; the Pipecat wire is binary protobuf'),
        onClose: (code, reason) => this.onSocketClose(code, reason),
      },
      WebSocketImpl,
      this.options.socketLimits,
    );
    const pipecat = new ConvaiWebSocketTransport(() => socket, media);
    const client = new PipecatClient({ transport: pipecat, enableMic: this.micOn, enableCam: false });
    this.media = media;
    this.socket = socket;
    this.pipecat = pipecat;
    this.client = client;
    return client;
  }

  private onSocketOpen(): void {
    this.socketOpen = true;
    const ms = this.options.botReadyTimeoutMs;
    if (ms !== undefined && this.phase === 'connecting') {
      this.botReadyTimer = setTimeout(() => this.failConnect?.(botReadyTimeout(ms)), ms);
    }
  }

  private onFrame(bytes: Uint8Array): void {
    const inbound = readInbound(bytes);
    if (inbound.kind === 'protocol-error') return this.protocolError(inbound.detail);
    if (inbound.kind === 'audio') return this.media?.playBotAudio(inbound.pcm, inbound.sampleRate, inbound.numChannels);
    if (inbound.kind !== 'message') return;
    const { rtvi, convai } = inbound;
    if (convai.ok) this.onMessage(encodeMessage(convai.message));
    else {
      this.events.emit(
        'error',
        new TransportError('MALFORMED_MESSAGE', `Dropped a malformed \`${rtvi.type}\` message: ${convai.reason}.`, {
          transport: 'websocket',
        }),
      );
    }
    if (rtvi.type === 'user-started-speaking') void this.media?.userStartedSpeaking();
    // RTVIMessage is a class in client-js; its handler reads only label, type, id and data
    this.pipecat?.deliver(rtvi as unknown as RTVIMessage);
    const fatal = fatalErrorText(rtvi);
    if (fatal !== undefined) this.end('CONNECTION_LOST', `The bot ended the session with a fatal error: ${fatal}.`);
  }

  private onSocketClose(code: number, reason: string): void {
    const why = `code ${code}${reason ? `, ${reason}` : ''}`;
    if (this.phase === 'connecting') {
      this.failConnect?.(
        new TransportError('CONNECT_FAILED', `The server closed the WebSocket before bot-ready (${why}).`, { transport: 'websocket' }),
      );
      return;
    }
    if (code === STALLED_CLOSE_CODE) this.end('CONNECTION_LOST', `The WebSocket connection stalled: ${reason}.`);
    else this.end('CONNECTION_LOST', `The server closed the WebSocket (${why}).`);
  }

  private protocolError(detail: string): void {
    const message = `Pipecat protocol error: ${detail}.`;
    if (this.phase === 'connecting') this.failConnect?.(new TransportError('PROTOCOL_ERROR', message, { transport: 'websocket' }));
    else this.end('PROTOCOL_ERROR', message);
  }

  /** A fatal event after connect: tear down, then tell the owner once. */
  private end(code: 'CONNECTION_LOST' | 'PROTOCOL_ERROR', message: string): void {
    if (this.phase !== 'connected') return;
    const error = new TransportError(code, message, { transport: 'websocket' });
    void this.teardown();
    this.events.emit('disconnected', { reason: message, error });
  }

  private reportMicError(error: unknown): void {
    if (this.micErrorReported) return;
    this.micErrorReported = true;
    this.events.emit(
      'error',
      new TransportError(
        'MICROPHONE_UNAVAILABLE',
        // the name (NotAllowedError, NotFoundError, ...) is what tells denied from absent
        `The microphone could not be opened (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}); the session goes on without it.`,
        { transport: 'websocket', cause: error },
      ),
    );
  }

  async send(payload: Uint8Array): Promise<void> {
    const client = this.client;
    if (this.phase !== 'connected' || !client) {
      throw new TransportError('NOT_CONNECTED', 'Cannot send: the WebSocket session is not connected.', { transport: 'websocket' });
    }
    let message: { type: string; data: unknown };
    try {
      message = readOutbound(payload);
    } catch (error) {
      throw new TransportError('MALFORMED_MESSAGE', `Cannot send: ${describeError(error)}.`, { transport: 'websocket', cause: error });
    }
    try {
      // RTVI `client-message` `{t, d}`: how a Pipecat bot receives app messages
      client.sendClientMessage(message.type, message.data);
    } catch (error) {
      throw new TransportError('NOT_CONNECTED', `Cannot send \`${message.type}\`: ${describeError(error)}`, {
        transport: 'websocket',
        cause: error,
      });
    }
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.micOn = enabled;
    await this.media?.enableMic(enabled);
  }

  async setMicrophoneDevice(deviceId: string): Promise<void> {
    if (!this.media) throw new TransportError('NOT_CONNECTED', 'Cannot switch microphones: not connected.', { transport: 'websocket' });
    await this.media.updateMic(deviceId);
  }

  /** Idempotent; never throws. */
  async disconnect(): Promise<void> {
    if (this.phase === 'connecting') this.failConnect?.(new AbortedError(WHAT, 'disconnect() was called'));
    await this.teardown();
  }

  private async teardown(): Promise<void> {
    this.phase = 'closed';
    clearTimeout(this.botReadyTimer);
    const { client, socket, media } = this;
    this.client = undefined;
    this.pipecat = undefined;
    this.socket = undefined;
    this.media = undefined;
    // ours first and directly: Pipecat's disconnect may stop early on an error
    await Promise.all([socket?.close(), media?.disconnect()]);
    try {
      await client?.disconnect();
    } catch {
      // the socket and media are closed above; nothing else is left open
    }
  }
}

/** The factory `ConvaiClient.registerWebSocketTransport` takes. */
export function createPipecatSession(
  onMessage: (payload: Uint8Array) => void,
  enableMic: boolean,
  options?: PipecatSessionOptions,
): IWebSocketSession {
  return new PipecatSession(onMessage, enableMic, options);
}
