import type { TypedEmitter } from '../util/emitter.js';
import { elapsed, now } from '../util/clock.js';
import { ConvaiError } from '../errors/convai-error.js';
import { ConfigError } from '../errors/config-error.js';
import { TransportError, type TransportKind } from '../errors/transport-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import type { TransportSession } from '../transports/transport-session.js';
import type { ResolvedConfig, TransportPreference } from './config.js';
import { requestSession, type BackendSession } from './backend.js';
import { getWebSocketFactory, NOT_REGISTERED_MESSAGE } from './websocket-registry.js';
import {
  AUTO_NOT_REGISTERED_MESSAGE,
  getAutoNegotiator,
  type AutoNegotiator,
  type LostSession,
  type NegotiationHost,
} from './auto-registry.js';
import type { ConvaiClientEvents } from './client-events.js';
import type { NegotiationResult } from './negotiation-types.js';
import type { StateCell } from './state.js';
import { createSession, type ClientInternals } from './session-factory.js';
import { PendingOperation } from './pending-operation.js';

export type { ClientInternals } from './session-factory.js';

export interface LifecycleConnectOptions {
  readonly signal?: AbortSignal;
  readonly transport?: TransportPreference;
  readonly characterSessionId?: string;
}

/**
 * One session at a time, from connect to disconnect: the backend call, the transport
 * session, its loss, and the handoff an `'auto'` session may get. A connect, a handoff
 * and a disconnect never overlap: each waits for or cancels the one under way.
 */
export class SessionLifecycle {
  private current: TransportSession | undefined;
  private readonly pending = new PendingOperation();
  private closing: Promise<void> | undefined;
  private detach: (() => void)[] = [];
  private preference: TransportPreference | undefined;
  sessionId: string | undefined;
  transport: TransportKind | undefined;
  result: NegotiationResult | undefined;
  micOn: boolean;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly internals: ClientInternals,
    private readonly events: TypedEmitter<ConvaiClientEvents>,
    private readonly state: StateCell,
    private readonly onMessage: (payload: Uint8Array) => void,
  ) {
    this.sessionId = config.characterSessionId;
    this.micOn = config.startWithAudioOn;
  }

  get session(): TransportSession | undefined {
    return this.current;
  }

  connect(options: LifecycleConnectOptions): Promise<void> {
    // without this, `disconnect(); connect()` resolved at once (the old session still
    // counted as connected) and the disconnect then ended it
    if (this.closing) return this.closing.then(() => this.connect(options));
    if (this.state.value.isConnected) return Promise.resolve();
    if (this.pending.promise) return this.pending.promise;
    const preference = options.transport ?? this.config.transport;
    // fail before any network call when a transport cannot be had (the seed's contract)
    const refusal = this.refusal(preference);
    if (refusal) return Promise.reject(refusal);
    return this.pending.start((signal) => this.connectAs(preference, options, signal), options.signal);
  }

  private refusal(preference: TransportPreference): ConvaiError | undefined {
    if (preference !== 'livekit' && preference !== 'websocket' && preference !== 'auto') {
      return new ConfigError('transport', "Expected `transport` to be 'livekit', 'websocket' or 'auto'.");
    }
    // with `convai-transport/auto` imported, the WebSocket chunk is loadable on demand
    if (preference === 'websocket' && !getWebSocketFactory() && !this.negotiator()) {
      return new TransportError('WEBSOCKET_NOT_REGISTERED', NOT_REGISTERED_MESSAGE, { transport: 'websocket' });
    }
    if (preference === 'auto' && !this.negotiator()) {
      return new TransportError('AUTO_NOT_REGISTERED', AUTO_NOT_REGISTERED_MESSAGE);
    }
    return undefined;
  }

  private negotiator(): AutoNegotiator | undefined {
    return this.internals.autoNegotiator ?? getAutoNegotiator();
  }

  private async connectAs(preference: TransportPreference, options: LifecycleConnectOptions, signal: AbortSignal): Promise<void> {
    this.state.connecting();
    try {
      const host = this.host(options.characterSessionId);
      const negotiator = this.negotiator();
      const viaNegotiator = preference === 'auto' || (preference === 'websocket' && !getWebSocketFactory());
      const result =
        viaNegotiator && negotiator
          ? await negotiator.connect(host, preference as 'auto' | 'websocket', signal)
          : await this.connectForced(preference as TransportKind, host, signal);
      this.settle(result, preference, signal);
    } catch (error) {
      await this.closeSession();
      this.state.disconnected();
      const typed = this.typed(error, signal, 'connect()');
      if (!(typed instanceof AbortedError)) this.events.emit('error', typed);
      throw typed;
    }
  }

  private async connectForced(transport: TransportKind, host: NegotiationHost, signal: AbortSignal): Promise<NegotiationResult> {
    const started = now();
    host.emit({ phase: 'connecting', transport });
    await host.connectTransport(transport, { signal });
    const connectMs = elapsed(started);
    return { transport, preference: transport, reasons: ['FORCED'], fromCache: false, timings: { connectMs, totalMs: connectMs } };
  }

  /** The connect (or handoff) succeeded: report it, unless the session is already gone. */
  private settle(result: NegotiationResult, preference: TransportPreference | undefined, signal: AbortSignal): void {
    if (signal.aborted) throw new AbortedError('connect()', signal.reason);
    // the session can end between its connect and here (LiveKit's signal socket closes
    // while the mic is published); reporting "connected" would claim a session we lack
    if (!this.current) {
      throw new TransportError('CONNECTION_LOST', `The ${result.transport} session ended while connecting.`, {
        transport: result.transport,
      });
    }
    this.result = result;
    this.preference = preference;
    this.state.connected();
    this.events.emit('negotiation', { phase: 'connected', result });
    this.events.emit('connect', { transport: result.transport, characterSessionId: this.sessionId });
  }

  /** Once aborted, whatever a step threw is a consequence of the abort. */
  private typed(error: unknown, signal: AbortSignal, what: string): ConvaiError {
    if (signal.aborted) return error instanceof AbortedError ? error : new AbortedError(what, signal.reason);
    return error instanceof ConvaiError ? error : new TransportError('CONNECT_FAILED', `${what} failed: ${String(error)}`, { cause: error });
  }

  private host(characterSessionId: string | undefined): NegotiationHost {
    return {
      config: this.config,
      requestBackend: (transport, signal) => this.requestBackend(transport, signal, characterSessionId),
      connectTransport: (transport, o) =>
        this.connectTransport(transport, {
          signal: o.signal,
          ...(o.backendSession ? { backendSession: o.backendSession } : {}),
          characterSessionId: o.characterSessionId ?? characterSessionId,
        }),
      emit: (event) => this.events.emit('negotiation', event),
    };
  }

  private requestBackend(transport: TransportKind, signal: AbortSignal, characterSessionId?: string): Promise<BackendSession> {
    const resume = characterSessionId ?? this.sessionId;
    return requestSession(this.config, transport, {
      signal,
      ...(resume ? { characterSessionId: resume } : {}),
      ...(this.internals.fetch ? { fetch: this.internals.fetch } : {}),
    });
  }

  /** One transport, one attempt: backend call (unless given), session, connect. */
  private async connectTransport(
    transport: TransportKind,
    options: { signal: AbortSignal; backendSession?: BackendSession; characterSessionId?: string | undefined },
  ): Promise<void> {
    const { signal } = options;
    const backend = options.backendSession ?? (await this.requestBackend(transport, signal, options.characterSessionId));
    if (signal.aborted) throw new AbortedError('connect()', signal.reason);
    if (backend.target.transport !== transport) {
      throw new TransportError('CONNECT_FAILED', `Backend answered for ${backend.target.transport}, not ${transport}.`, { transport });
    }
    const session = createSession(transport, this.onMessage, this.micOn, this.config, this.internals);
    this.current = session;
    this.attach(session);
    try {
      await session.connect(backend.target, { signal, timeoutMs: this.config.connectTimeoutMs });
    } catch (error) {
      await this.closeSession();
      throw error;
    }
    if (signal.aborted) throw new AbortedError('connect()', signal.reason);
    this.sessionId = backend.characterSessionId ?? this.sessionId;
    this.transport = transport;
  }

  private attach(session: TransportSession): void {
    let wasReconnecting = false;
    this.detach = [
      session.on('error', (error) => this.events.emit('error', error)),
      session.on('botAudioTrack', (track) => this.events.emit('botAudioTrack', track)),
      session.on('reconnecting', ({ reason }) => {
        wasReconnecting = true;
        this.events.emit('reconnecting', { transport: session.transport, reason });
      }),
      session.on('reconnected', () => {
        wasReconnecting = false;
      }),
      session.on('disconnected', ({ reason, error }) => {
        if (this.current !== session) return;
        this.current = undefined;
        this.detachSession();
        const lost: LostSession = { transport: session.transport, reason, ...(error ? { error } : {}), wasReconnecting, preference: this.preference };
        const negotiator = this.negotiator();
        // a session lost while connect() still runs is that connect's failure, not a handoff
        if (!this.pending.promise && this.state.value.isConnected && negotiator?.shouldHandOff(this.config, lost)) {
          this.pending.start((signal) => this.handOff(negotiator, lost, signal)).catch(() => undefined);
          return;
        }
        this.state.disconnected();
        if (error) this.events.emit('error', error);
        this.events.emit('disconnect', error ? { reason, error } : { reason });
      }),
    ];
  }

  /** Moves a lost conversation to the other transport; `connect()` waits for it, `disconnect()` cancels it. */
  private async handOff(negotiator: AutoNegotiator, lost: LostSession, signal: AbortSignal): Promise<void> {
    this.state.connecting();
    try {
      const request = { lost, characterSessionId: this.sessionId, previous: this.result, signal };
      const result = await negotiator.handOff(this.host(this.sessionId), request);
      this.settle(result, this.preference, signal);
    } catch (error) {
      await this.closeSession();
      this.state.disconnected();
      const typed = this.typed(error, signal, 'Session handoff');
      if (typed instanceof AbortedError) {
        // disconnect() during the handoff: the app ends a session it saw connected
        this.events.emit('disconnect', { reason: 'client' });
      } else {
        this.events.emit('error', typed);
        this.events.emit('disconnect', { reason: `${lost.reason}; handoff to ${lost.transport === 'livekit' ? 'WebSocket' : 'LiveKit'} failed: ${typed.message}`, error: typed });
      }
      throw typed;
    }
  }

  private detachSession(): void {
    for (const off of this.detach) off();
    this.detach = [];
  }

  private async closeSession(): Promise<void> {
    const session = this.current;
    this.current = undefined;
    this.detachSession();
    if (session) await session.disconnect();
  }

  /** Ends the session (or the connect under way). Never throws. */
  async disconnect(): Promise<void> {
    if (this.closing) return this.closing;
    const closing = this.close();
    this.closing = closing;
    try {
      await closing;
    } finally {
      if (this.closing === closing) this.closing = undefined;
    }
  }

  private async close(): Promise<void> {
    await this.pending.cancel(new Error('disconnect() called'));
    const wasConnected = this.state.value.isConnected;
    await this.closeSession();
    this.state.disconnected();
    if (wasConnected) this.events.emit('disconnect', { reason: 'client' });
  }

  async setMic(on: boolean): Promise<void> {
    this.micOn = on;
    if (this.current) await this.current.setMicrophoneEnabled(on);
    this.events.emit('audioMuteChange', !on);
  }
}
