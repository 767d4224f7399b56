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
  /** Set by a test to play a transport that can switch microphones. */
  setMicrophoneDevice?: (deviceId: string) => Promise<void>;
  hang = false;

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
    if (this.failWith) throw this.failWith;
    if (this.hang) {
      await new Promise<void>((_, reject) => {
        options.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    }
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
