import type { TypedEmitter } from '../util/emitter.js';
import { elapsed, now } from '../util/clock.js';
import { TransportError, type TransportKind } from '../errors/transport-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import type { TransportSession } from '../transports/transport-session.js';
import type { ResolvedConfig, TransportPreference } from './config.js';
import { refuseBeforeConnect, typedConnectError } from './connect-errors.js';
import {
  getAutoNegotiator,
  handledByNegotiator,
  type AutoNegotiator,
  type CandidateSession,
  type LostSession,
  type NegotiationHost,
  type PrepareOptions,
} from './auto-registry.js';
import type { ConvaiClientEvents } from './client-events.js';
import type { NegotiationResult } from './negotiation-types.js';
import type { StateCell } from './state.js';
import type { ClientInternals } from './session-factory.js';
import { SessionOpener } from './session-opener.js';
import { PendingOperation } from './pending-operation.js';
import { PreparedSession } from './prepared-session.js';
import { waitForIdle } from './idle.js';

/** How long an upgrade waits for the bot to finish its turn before switching anyway. */
const IDLE_WAIT_MS = 10_000;

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
  private readonly opener: SessionOpener;
  private closing: Promise<void> | undefined;
  private detach: (() => void)[] = [];
  private preference: TransportPreference | undefined;
  /** Aborted when the conversation ends; background negotiator work stops with it. */
  private lifetime = new AbortController();
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
    this.opener = new SessionOpener(config, internals, () => ({ micOn: this.micOn, sessionId: this.sessionId }));
    // apps make the client well before connect() (on mount, then a click): its preparation
    // then costs the connect nothing
    if (handledByNegotiator(config.transport)) this.negotiator()?.warmUp?.(config, config.transport as 'auto' | 'websocket');
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
    const refusal = refuseBeforeConnect(preference, this.negotiator() !== undefined);
    if (refusal) return Promise.reject(refusal);
    return this.pending.start((signal) => this.connectAs(preference, options, signal), options.signal);
  }

  private negotiator(): AutoNegotiator | undefined {
    return this.internals.autoNegotiator ?? getAutoNegotiator();
  }

  private async connectAs(preference: TransportPreference, options: LifecycleConnectOptions, signal: AbortSignal): Promise<void> {
    this.lifetime.abort();
    this.lifetime = new AbortController();
    this.state.connecting();
    try {
      const host = this.host(options.characterSessionId);
      const negotiator = this.negotiator();
      const result =
        handledByNegotiator(preference) && negotiator
          ? await negotiator.connect(host, preference as 'auto' | 'websocket', signal)
          : await this.connectForced(preference as TransportKind, host, signal);
      this.settle(result, preference, signal);
    } catch (error) {
      await this.closeSession();
      this.state.disconnected();
      const typed = typedConnectError(error, signal, 'connect()');
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

  private host(characterSessionId: string | undefined): NegotiationHost {
    const resume = (id: string | undefined): string | undefined => id ?? characterSessionId;
    return {
      config: this.config,
      requestBackend: (transport, signal, id) => this.opener.requestBackend(transport, signal, resume(id)),
      connectTransport: async (transport, o) => {
        const candidate = await this.opener.prepare(transport, { ...o, characterSessionId: resume(o.characterSessionId) });
        if (o.signal.aborted) {
          await candidate.discard();
          throw new AbortedError('connect()', o.signal.reason);
        }
        this.use(candidate);
      },
      prepareTransport: (transport, o) => this.opener.prepare(transport, { ...o, characterSessionId: resume(o.characterSessionId) }),
      useTransport: (candidate) => this.use(candidate),
      upgrade: (candidate, next, signal) => this.upgrade(candidate, next, signal),
      currentTransport: () => this.current?.transport,
      lifetime: this.lifetime.signal,
      emit: (event) => this.events.emit('negotiation', event),
    };
  }

  /** Makes a prepared session the client's. */
  private use(candidate: CandidateSession): void {
    if (!(candidate instanceof PreparedSession)) throw new TypeError('Not a session this client prepared.');
    if (candidate.lost !== undefined) {
      void candidate.discard();
      throw new TransportError('CONNECTION_LOST', `The ${candidate.transport} session ended while connecting: ${candidate.lost}.`, {
        transport: candidate.transport,
      });
    }
    this.current = candidate.session;
    this.attach(candidate.session);
    candidate.adopt(this.onMessage, (early) =>
      early.kind === 'error' ? this.events.emit('error', early.error) : this.events.emit('botAudioTrack', early.track),
    );
    this.sessionId = candidate.characterSessionId ?? this.sessionId;
    this.transport = candidate.transport;
  }

  /** Mid-session: moves the conversation onto `candidate` once the bot is idle (see `NegotiationHost.upgrade`). */
  private async upgrade(candidate: CandidateSession, next: (current: NegotiationResult) => NegotiationResult, signal: AbortSignal): Promise<boolean> {
    if (this.pending.promise) await this.pending.promise.catch(() => undefined);
    // a reply in flight on the old session would be cut off: switch between turns
    await waitForIdle(this.state, signal, IDLE_WAIT_MS);
    const old = this.current;
    if (!old || !this.result || !this.state.value.isConnected || this.pending.promise || signal.aborted || old.transport === candidate.transport) {
      await candidate.discard();
      return false;
    }
    this.detachSession();
    try {
      this.use(candidate);
    } catch {
      // the candidate was lost meanwhile: the old session goes on
      this.attach(old);
      this.current = old;
      return false;
    }
    this.result = next(this.result);
    this.events.emit('negotiation', { phase: 'upgrade', from: old.transport, to: candidate.transport, characterSessionId: this.sessionId });
    this.events.emit('negotiation', { phase: 'connected', result: this.result });
    await old.disconnect();
    return true;
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
        this.lifetime.abort();
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
      this.lifetime.abort();
      this.state.disconnected();
      const typed = typedConnectError(error, signal, 'Session handoff');
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
    this.lifetime.abort();
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
