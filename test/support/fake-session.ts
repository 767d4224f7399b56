import { TypedEmitter } from '../../src/util/emitter.js';
import type {
  ConnectTarget,
  SessionConnectOptions,
  TransportKind,
  TransportSession,
  TransportSessionEvents,
} from '../../src/transports/transport-session.js';

/**
 * A scripted transport for unit tests of ConvaiClient's state and events. The real
 * transports have their own end-to-end tests; this one lets a test play the bot.
 */
export class FakeSession implements TransportSession {
  readonly events = new TypedEmitter<TransportSessionEvents>();
  readonly sent: string[] = [];
  connectedTo: ConnectTarget | undefined;
  micEnabled: boolean;
  disconnects = 0;
  failWith: Error | undefined;
  /** Fails with this once `delayMs` has passed (a connect that times out). */
  failAfterDelay: Error | undefined;
  /** Set by a test to play a transport that can switch microphones. */
  setMicrophoneDevice?: (deviceId: string) => Promise<void>;
  hang = false;
  /** Connect takes this long (abortable). */
  delayMs = 0;
  /** Emitted as `iceServers` at the start of connect, as a LiveKit join response would. */
  joinServers: RTCIceServer[] | undefined;

  constructor(
    readonly transport: TransportKind,
    private readonly onMessage: (payload: Uint8Array) => void,
    enableMic: boolean,
  ) {
    this.micEnabled = enableMic;
  }

  get isMicrophoneEnabled(): boolean {
    return this.micEnabled;
  }

  on<E extends keyof TransportSessionEvents>(event: E, listener: (p: TransportSessionEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  async connect(target: ConnectTarget, options: SessionConnectOptions): Promise<void> {
    if (this.joinServers) this.events.emit('iceServers', this.joinServers);
    if (this.failWith) throw this.failWith;
    // a listener of `iceServers` may cancel the connect at once
    if (options.signal?.aborted) throw new Error('aborted');
    if (this.hang || this.delayMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = this.hang ? undefined : setTimeout(resolve, this.delayMs);
        options.signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(new Error('aborted'));
          },
          { once: true },
        );
      });
    }
    if (this.failAfterDelay) throw this.failAfterDelay;
    this.connectedTo = target;
  }

  async send(payload: Uint8Array): Promise<void> {
    this.sent.push(new TextDecoder().decode(payload));
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.micEnabled = enabled;
  }

  async disconnect(): Promise<void> {
    this.disconnects += 1;
  }

  /** Plays the bot: delivers a raw inbound payload. */
  deliver(message: unknown): void {
    this.onMessage(new TextEncoder().encode(typeof message === 'string' ? message : JSON.stringify(message)));
  }
}
