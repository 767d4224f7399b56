import { resolveConfig, type ConvaiClientConfig, type ResolvedConfig, type TransportPreference } from './config.js';
import { requestSession, type BackendSession } from './backend.js';
import { TypedEmitter } from './emitter.js';
import { ChatLog, type ChatMessage } from './chat-log.js';
import { DISCONNECTED_STATE, deriveState, sameState, type ConvaiClientState } from './state.js';
import { getWebSocketFactory, NOT_REGISTERED_MESSAGE, setWebSocketFactory } from './websocket-registry.js';
import { decodeMessage, encodeMessage, type InboundMessage, type OutboundMessage } from '../messages/convai-messages.js';
import { createLiveKitSession } from '../transports/livekit-session.js';
import type {
  TransportKind,
  TransportSession,
  WebSocketTransportFactory,
} from '../transports/transport-session.js';
import { ConvaiError } from '../errors/convai-error.js';
import { ConfigError } from '../errors/config-error.js';
import { TransportError } from '../errors/transport-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import { negotiate, type NegotiateOptions, type NegotiationHost } from '../negotiator/negotiate.js';
import type { NegotiationEvent, NegotiationResult } from '../negotiator/negotiation-types.js';
import { handOffSession, handoffResult, shouldHandOff, type LostSession } from '../negotiator/session-handoff.js';

export interface ConvaiClientEvents {
  stateChange: ConvaiClientState;
  connect: { readonly transport: TransportKind; readonly characterSessionId: string | undefined };
  disconnect: { readonly reason: string; readonly error?: ConvaiError };
  error: ConvaiError;
  message: InboundMessage;
  messagesChange: readonly ChatMessage[];
  botReady: { readonly transport: TransportKind };
  userTranscriptionChange: string;
  speakingChange: boolean;
  botAudioTrack: MediaStreamTrack;
  audioMuteChange: boolean;
  /**
   * Progress of the negotiator: probing, verdict, loading-fallback, connecting, fallback,
   * connected; and `handoff` when a lost LiveKit session moves to WebSocket mid-conversation.
   */
  negotiation: NegotiationEvent;
  /** The transport is restoring a lost connection by itself (LiveKit). */
  reconnecting: { readonly transport: TransportKind; readonly reason: string };
}

export interface ConnectOptions {
  /** Cancels the backend call and the transport connect; `connect()` rejects with `ABORTED`. */
  readonly signal?: AbortSignal;
  /** Overrides `config.transport` for this connect. */
  readonly transport?: TransportPreference;
  /**
   * For a forced `'websocket'`: load the WebSocket chunk when nothing is registered
   * (`connectConvai` sets it). Off by default, as in the Convai Web SDK.
   */
  readonly loadWebSocket?: boolean;
  /** Resume this session instead of `config.characterSessionId`. */
  readonly characterSessionId?: string;
}

/** @internal Seams for tests and for the negotiator; not part of the stable API. */
export interface ClientInternals {
  readonly fetch?: typeof fetch;
  readonly createLiveKitSession?: typeof createLiveKitSession;
  readonly negotiation?: Pick<NegotiateOptions, 'probe' | 'loader' | 'hasRTCPeerConnection'>;
}

export interface AudioControls {
  readonly isAudioMuted: boolean;
  enableAudio(): Promise<void>;
  disableAudio(): Promise<void>;
  muteAudio(): Promise<void>;
  unmuteAudio(): Promise<void>;
  toggleAudio(): Promise<void>;
}

/**
 * One client for both transports. It validates config, calls the backend, creates
 * the transport session, and turns Convai messages into state and events. It does
 * not choose the transport: `config.transport` or `connect({ transport })` does
 * (the negotiator sets the latter).
 */
export class ConvaiClient {
  /** Registers the WebSocket (Pipecat) session factory. `convai-transport/websocket` calls it. */
  static registerWebSocketTransport(factory: WebSocketTransportFactory): void {
    if (typeof factory !== 'function') {
      throw new ConfigError('factory', 'Expected `factory` to be a function returning an IWebSocketSession.');
    }
    setWebSocketFactory(factory);
  }

  static get isWebSocketTransportRegistered(): boolean {
    return getWebSocketFactory() !== undefined;
  }

  readonly config: ResolvedConfig;
  private readonly events = new TypedEmitter<ConvaiClientEvents>((error) => {
    // a throwing listener must not break the session; report it once, outside the emit loop
    queueMicrotask(() => {
      throw error;
    });
  });
  private readonly internals: ClientInternals;
  private session: TransportSession | undefined;
  private pending: { promise: Promise<void>; controller: AbortController } | undefined;
  private currentState: ConvaiClientState = DISCONNECTED_STATE;
  private readonly chat = new ChatLog();
  private transcription = '';
  private sessionId: string | undefined;
  private activeTransport: TransportKind | undefined;
  private micOn: boolean;
  private detach: (() => void)[] = [];
  private negotiationResult: NegotiationResult | undefined;
  /** What the connect of the current session asked for: only `'auto'` sessions are handed off. */
  private connectedPreference: TransportPreference | undefined;
  /** A `disconnect()` under way: a `connect()` made meanwhile starts after it. */
  private closing: Promise<void> | undefined;

  constructor(config: ConvaiClientConfig, internals: ClientInternals = {}) {
    this.config = resolveConfig(config);
    this.internals = internals;
    this.sessionId = this.config.characterSessionId;
    this.micOn = this.config.startWithAudioOn;
  }

  get state(): ConvaiClientState {
    return this.currentState;
  }

  get chatMessages(): readonly ChatMessage[] {
    return this.chat.all;
  }

  get userTranscription(): string {
    return this.transcription;
  }

  /** The transport of the current (or last) session. */
  get transport(): TransportKind | undefined {
    return this.activeTransport;
  }

  /** How the last successful connect chose its transport, and how long each phase took. */
  get lastNegotiation(): NegotiationResult | undefined {
    return this.negotiationResult;
  }

  get characterSessionId(): string | undefined {
    return this.sessionId;
  }

  on<E extends keyof ConvaiClientEvents>(event: E, listener: (payload: ConvaiClientEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  off<E extends keyof ConvaiClientEvents>(event: E, listener: (payload: ConvaiClientEvents[E]) => void): void {
    this.events.off(event, listener);
  }

  readonly audioControls: AudioControls = (() => {
    const set = (on: boolean): Promise<void> => this.setMic(on);
    const client = this;
    return {
      get isAudioMuted() {
        return !client.micOn;
      },
      enableAudio: () => set(true),
      disableAudio: () => set(false),
      muteAudio: () => set(false),
      unmuteAudio: () => set(true),
      toggleAudio: () => set(!client.micOn),
    };
  })();

  /**
   * Connects over `options.transport ?? config.transport`; `'auto'` runs the
   * negotiator (probe, verdict, connect, fallback). Calling it while a connect is
   * under way returns that connect: there is only ever one session.
   */
  connect(options: ConnectOptions = {}): Promise<void> {
    // without this, `disconnect(); connect()` resolved at once (the old session still
    // counted as connected) and the disconnect then ended it (test/e2e/fault-websocket.test.ts)
    if (this.closing) return this.closing.then(() => this.connect(options));
    if (this.currentState.isConnected) return Promise.resolve();
    if (this.pending) return this.pending.promise;
    const preference = options.transport ?? this.config.transport;
    if (preference !== 'livekit' && preference !== 'websocket' && preference !== 'auto') {
      return Promise.reject(
        new ConfigError('transport', "Expected `transport` to be 'livekit', 'websocket' or 'auto'."),
      );
    }
    // the seed's contract: fail before any network call when nothing is registered
    if (preference === 'websocket' && !options.loadWebSocket && !getWebSocketFactory()) {
      return Promise.reject(
        new TransportError('WEBSOCKET_NOT_REGISTERED', NOT_REGISTERED_MESSAGE, { transport: 'websocket' }),
      );
    }
    const controller = new AbortController();
    const promise = this.negotiateAndConnect(preference, options, controller).finally(() => {
      if (this.pending?.promise === promise) this.pending = undefined;
    });
    this.pending = { promise, controller };
    return promise;
  }

  private async negotiateAndConnect(
    preference: TransportPreference,
    options: ConnectOptions,
    controller: AbortController,
  ): Promise<void> {
    const onAbort = (): void => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const signal = controller.signal;
    this.setFlags({ isConnecting: true, isConnected: false, isListening: false, isThinking: false, isSpeaking: false });
    try {
      const host: NegotiationHost = {
        config: this.config,
        requestBackend: (transport, s) => this.requestBackend(transport, s, options.characterSessionId),
        connectTransport: (transport, o) =>
          this.connectTransport(transport, {
            signal: o.signal,
            ...(o.backendSession ? { backendSession: o.backendSession } : {}),
            ...((o.characterSessionId ?? options.characterSessionId)
              ? { characterSessionId: o.characterSessionId ?? options.characterSessionId }
              : {}),
          }),
        emit: (event) => this.events.emit('negotiation', event),
      };
      const result = await negotiate(host, {
        preference,
        signal,
        loadWebSocket: options.loadWebSocket ?? preference === 'auto',
        ...this.internals.negotiation,
      });
      if (signal.aborted) throw new AbortedError('connect()', signal.reason);
      // the session can end between its connect and here (e.g. LiveKit's signal socket
      // closes while the mic is published); its `disconnected` already ran, so reporting
      // "connected" now would leave a client that claims a session it no longer has
      if (!this.session) {
        throw new TransportError('CONNECTION_LOST', `The ${result.transport} session ended while connecting.`, {
          transport: result.transport,
        });
      }
      this.negotiationResult = result;
      this.connectedPreference = preference;
      this.setFlags({ isConnecting: false, isConnected: true, isListening: this.micOn, isThinking: false, isSpeaking: false });
      this.events.emit('negotiation', { phase: 'connected', result });
      this.events.emit('connect', { transport: result.transport, characterSessionId: this.sessionId });
    } catch (error) {
      await this.closeSession();
      this.setFlags({ isConnecting: false, isConnected: false, isListening: false, isThinking: false, isSpeaking: false });
      // once aborted, whatever a step threw is a consequence of the abort
      const typed = signal.aborted
        ? error instanceof AbortedError
          ? error
          : new AbortedError('connect()', signal.reason)
        : error instanceof ConvaiError
          ? error
          : new TransportError('CONNECT_FAILED', `Connect failed: ${String(error)}`, { cause: error });
      if (!(typed instanceof AbortedError)) this.events.emit('error', typed);
      throw typed;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private requestBackend(transport: TransportKind, signal: AbortSignal, characterSessionId?: string): Promise<BackendSession> {
    return requestSession(this.config, transport, {
      signal,
      ...((characterSessionId ?? this.sessionId) ? { characterSessionId: characterSessionId ?? this.sessionId } : {}),
      ...(this.internals.fetch ? { fetch: this.internals.fetch } : {}),
    });
  }

  /** One transport, one attempt: backend call (unless given), session, connect. */
  private async connectTransport(
    transport: TransportKind,
    options: { signal: AbortSignal; backendSession?: BackendSession; characterSessionId?: string },
  ): Promise<void> {
    const { signal } = options;
    if (transport === 'websocket' && !getWebSocketFactory()) {
      throw new TransportError('WEBSOCKET_NOT_REGISTERED', NOT_REGISTERED_MESSAGE, { transport });
    }
    const backend = options.backendSession ?? (await this.requestBackend(transport, signal, options.characterSessionId));
    if (signal.aborted) throw new AbortedError('connect()', signal.reason);
    if (backend.target.transport !== transport) {
      throw new TransportError('CONNECT_FAILED', `Backend answered for ${backend.target.transport}, not ${transport}.`, { transport });
    }
    const session = this.createSession(transport);
    this.session = session;
    this.attach(session);
    try {
      await session.connect(backend.target, { signal, timeoutMs: this.config.connectTimeoutMs });
    } catch (error) {
      await this.closeSession();
      throw error;
    }
    if (signal.aborted) throw new AbortedError('connect()', signal.reason);
    this.sessionId = backend.characterSessionId ?? this.sessionId;
    this.activeTransport = transport;
  }

  private async closeSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.detachSession();
    if (session) await session.disconnect();
  }

  private createSession(transport: TransportKind): TransportSession {
    const onMessage = (payload: Uint8Array): void => this.handleMessage(payload);
    if (transport === 'websocket') {
      const factory = getWebSocketFactory();
      if (!factory) throw new TransportError('WEBSOCKET_NOT_REGISTERED', NOT_REGISTERED_MESSAGE, { transport });
      return factory(onMessage, this.micOn, { botReadyTimeoutMs: this.config.connectTimeoutMs });
    }
    const create = this.internals.createLiveKitSession ?? createLiveKitSession;
    return create(onMessage, {
      enableMic: this.micOn,
      iceTransportPolicy: this.config.iceTransportPolicy,
      ...(this.config.iceServers ? { iceServers: this.config.iceServers } : {}),
    });
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
        if (this.session !== session) return;
        this.session = undefined;
        this.detachSession();
        const lost: LostSession = {
          transport: session.transport,
          reason,
          ...(error ? { error } : {}),
          wasReconnecting,
          preference: this.connectedPreference,
        };
        // a session lost while connect() still runs is that connect's failure, not a handoff
        if (!this.pending && this.currentState.isConnected && shouldHandOff(this.config, lost)) {
          this.handOff(lost);
          return;
        }
        this.setFlags({ isConnecting: false, isConnected: false, isListening: false, isThinking: false, isSpeaking: false });
        if (error) this.events.emit('error', error);
        this.events.emit('disconnect', error ? { reason, error } : { reason });
      }),
    ];
  }

  /**
   * Moves a lost LiveKit conversation to WebSocket (see `session-handoff.ts`). It runs
   * as the pending connect, so `connect()` waits for it and `disconnect()` cancels it.
   */
  private handOff(lost: LostSession): void {
    const controller = new AbortController();
    const { signal } = controller;
    this.setFlags({ isConnecting: true, isConnected: false, isListening: false, isThinking: false, isSpeaking: false });
    const run = async (): Promise<void> => {
      try {
        const info = await handOffSession(
          {
            connectTransport: (transport, o) => this.connectTransport(transport, o),
            emit: (event) => this.events.emit('negotiation', event),
          },
          {
            lost,
            characterSessionId: this.sessionId,
            signal,
            chunkRetries: this.config.negotiation.chunkRetries,
            ...(this.internals.negotiation?.loader ? { loader: this.internals.negotiation.loader } : {}),
          },
        );
        const result = handoffResult(this.negotiationResult, info);
        this.negotiationResult = result;
        this.setFlags({ isConnecting: false, isConnected: true, isListening: this.micOn, isThinking: false, isSpeaking: false });
        this.events.emit('negotiation', { phase: 'connected', result });
        this.events.emit('connect', { transport: 'websocket', characterSessionId: this.sessionId });
      } catch (error) {
        await this.closeSession();
        this.setFlags({ isConnecting: false, isConnected: false, isListening: false, isThinking: false, isSpeaking: false });
        if (signal.aborted) {
          // disconnect() during the handoff: the app ends a session it saw connected
          this.events.emit('disconnect', { reason: 'client' });
          throw error instanceof AbortedError ? error : new AbortedError('Session handoff', signal.reason);
        }
        const typed =
          error instanceof ConvaiError
            ? error
            : new TransportError('CONNECT_FAILED', `Handoff to WebSocket failed: ${String(error)}`, { cause: error });
        this.events.emit('error', typed);
        this.events.emit('disconnect', { reason: `${lost.reason}; handoff to WebSocket failed: ${typed.message}`, error: typed });
        throw typed;
      }
    };
    // a connect() made during the handoff shares its outcome; nobody else awaits it
    const promise = run().finally(() => {
      if (this.pending?.promise === promise) this.pending = undefined;
    });
    promise.catch(() => undefined);
    this.pending = { promise, controller };
  }

  private detachSession(): void {
    for (const off of this.detach) off();
    this.detach = [];
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
    const pending = this.pending;
    if (pending) {
      pending.controller.abort(new Error('disconnect() called'));
      await pending.promise.catch(() => undefined);
    }
    const session = this.session;
    this.session = undefined;
    this.detachSession();
    const wasConnected = this.currentState.isConnected;
    if (session) await session.disconnect();
    this.setFlags({ isConnecting: false, isConnected: false, isListening: false, isThinking: false, isSpeaking: false });
    if (wasConnected) this.events.emit('disconnect', { reason: 'client' });
  }

  /** Disconnects, then connects again resuming the same `character_session_id`. */
  async reconnect(options: ConnectOptions = {}): Promise<void> {
    const transport = options.transport ?? this.activeTransport;
    await this.disconnect();
    await this.connect({
      ...options,
      ...(transport ? { transport } : {}),
      ...(this.sessionId ? { characterSessionId: this.sessionId } : {}),
    });
  }

  /** Clears the conversation shown by `chatMessages`. */
  resetSession(): void {
    this.chat.clear();
    this.events.emit('messagesChange', this.chat.all);
  }

  async sendUserTextMessage(text: string): Promise<void> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      throw new ConfigError('text', 'Expected `text` to be a non-empty string.');
    }
    await this.send({ type: 'user_text_message', data: { text } });
    this.chat.addUserText(text);
    this.events.emit('messagesChange', this.chat.all);
    this.setFlags({ ...this.currentState, isThinking: true });
  }

  sendTriggerMessage(triggerName?: string, triggerMessage?: string): Promise<void> {
    if (triggerName === undefined && triggerMessage === undefined) {
      return Promise.reject(new ConfigError('triggerName', 'Expected `triggerName` or `triggerMessage`.'));
    }
    const data: { trigger_name?: string; trigger_message?: string } = {};
    if (triggerName !== undefined) data.trigger_name = triggerName;
    if (triggerMessage !== undefined) data.trigger_message = triggerMessage;
    return this.send({ type: 'trigger-message', data });
  }

  sendInterruptMessage(): Promise<void> {
    return this.send({ type: 'interrupt-bot', data: {} });
  }

  toggleTts(enabled: boolean): Promise<void> {
    if (typeof enabled !== 'boolean') return Promise.reject(new ConfigError('enabled', 'Expected `enabled` to be a boolean.'));
    return this.send({ type: 'tts-toggle', data: { enabled } });
  }

  updateTemplateKeys(templateKeys: Readonly<Record<string, string>>): Promise<void> {
    if (typeof templateKeys !== 'object' || templateKeys === null || Array.isArray(templateKeys)) {
      return Promise.reject(new ConfigError('templateKeys', 'Expected `templateKeys` to be an object of strings.'));
    }
    return this.send({ type: 'update-template-keys', data: { template_keys: templateKeys } });
  }

  updateDynamicInfo(dynamicInfo: { readonly text: string }): Promise<void> {
    if (typeof dynamicInfo?.text !== 'string') {
      return Promise.reject(new ConfigError('dynamicInfo.text', 'Expected `dynamicInfo.text` to be a string.'));
    }
    return this.send({ type: 'update-dynamic-info', data: { dynamic_info: { text: dynamicInfo.text } } });
  }

  private async send(message: OutboundMessage): Promise<void> {
    const session = this.session;
    if (!session || !this.currentState.isConnected) {
      throw new TransportError('NOT_CONNECTED', `Cannot send \`${message.type}\`: the client is not connected.`);
    }
    await session.send(encodeMessage(message));
  }

  private async setMic(on: boolean): Promise<void> {
    this.micOn = on;
    if (this.session) await this.session.setMicrophoneEnabled(on);
    this.events.emit('audioMuteChange', !on);
    if (this.currentState.isConnected) this.setFlags({ ...this.currentState, isListening: on });
  }

  private handleMessage(payload: Uint8Array): void {
    const decoded = decodeMessage(payload);
    if (!decoded.ok) {
      this.events.emit(
        'error',
        new TransportError('MALFORMED_MESSAGE', `Dropped a malformed message: ${decoded.reason}.`, {
          ...(this.session ? { transport: this.session.transport } : {}),
        }),
      );
      return;
    }
    const message = decoded.message;
    const state = this.currentState;
    switch (message.type) {
      case 'bot-ready':
        this.events.emit('botReady', { transport: this.session?.transport ?? 'livekit' });
        break;
      case 'bot-llm-started':
        this.setFlags({ ...state, isThinking: true });
        break;
      case 'bot-llm-stopped':
        this.setFlags({ ...state, isThinking: false });
        break;
      case 'bot-started-speaking':
        this.setFlags({ ...state, isSpeaking: true, isThinking: false });
        this.events.emit('speakingChange', true);
        break;
      case 'bot-stopped-speaking':
        this.setFlags({ ...state, isSpeaking: false });
        this.events.emit('speakingChange', false);
        break;
      case 'user-transcription':
        this.transcription = (message.data as { text: string }).text;
        this.events.emit('userTranscriptionChange', this.transcription);
        break;
      default:
        break;
    }
    if (this.chat.apply(message)) this.events.emit('messagesChange', this.chat.all);
    this.events.emit('message', message);
  }

  private setFlags(flags: Omit<ConvaiClientState, 'agentState'>): void {
    const next = deriveState(flags);
    if (sameState(next, this.currentState)) return;
    this.currentState = next;
    this.events.emit('stateChange', next);
  }
}
