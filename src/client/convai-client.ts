import { resolveConfig, type ConnectionType, type ConvaiClientConfig, type ResolvedConfig, type TransportPreference } from './config.js';
import { TypedEmitter } from '../util/emitter.js';
import type { ChatMessage } from './chat-log.js';
import { StateCell, type ConvaiClientState } from './state.js';
import { getWebSocketFactory, setWebSocketFactory } from './websocket-registry.js';
import type { TransportKind, WebSocketTransportFactory } from '../transports/transport-session.js';
import { ConfigError } from '../errors/config-error.js';
import type { ConvaiClientEvents } from './client-events.js';
import type { NegotiationResult } from './negotiation-types.js';
import { Conversation } from './conversation.js';
import { SessionLifecycle, type ClientInternals } from './session-lifecycle.js';
import { createAudioControls, type AudioControls } from './audio-controls.js';

export type { AudioControls, AudioState } from './audio-controls.js';

export interface ConnectOptions {
  /** Cancels the backend call and the transport connect; `connect()` rejects with `ABORTED`. */
  readonly signal?: AbortSignal;
  /** Overrides `config.transport` for this connect. */
  readonly transport?: TransportPreference;
  /** Resume this session instead of `config.characterSessionId`. */
  readonly characterSessionId?: string;
}

/**
 * One client for both transports: a facade over the session lifecycle (connect,
 * disconnect, handoff) and the conversation (messages, chat log, senders). It does not
 * choose the transport: `config.transport` or `connect({ transport })` does; `'auto'`
 * needs `import 'convai-transport/auto'`.
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
  private readonly cell = new StateCell((state) => {
    if (!state.isConnected) this.conversation.sessionEnded();
    this.events.emit('stateChange', state);
  });
  private readonly lifecycle: SessionLifecycle;
  private readonly conversation: Conversation;

  constructor(config: ConvaiClientConfig, internals: ClientInternals = {}) {
    this.config = resolveConfig(config);
    this.conversation = new Conversation(this.events, this.cell, () => this.lifecycle.session);
    this.lifecycle = new SessionLifecycle(this.config, internals, this.events, this.cell, (payload) =>
      this.conversation.receive(payload),
    );
  }

  get state(): ConvaiClientState {
    return this.cell.value;
  }

  get chatMessages(): readonly ChatMessage[] {
    return this.conversation.messages;
  }

  get userTranscription(): string {
    return this.conversation.userTranscription;
  }

  /** The transport of the current (or last) session. */
  get transport(): TransportKind | undefined {
    return this.lifecycle.transport;
  }

  /** How the last successful connect chose its transport, and how long each phase took. */
  get lastNegotiation(): NegotiationResult | undefined {
    return this.lifecycle.result;
  }

  /**
   * The conversation the next connect resumes (the backend's `character_session_id`);
   * undefined when the next connect starts a new one (1.2.0 says `'-1'` then).
   */
  get characterSessionId(): string | undefined {
    return this.lifecycle.sessionId;
  }

  /** `config.connectionType` while connected, else null (as 1.2.0). */
  get connectionType(): ConnectionType | null {
    return this.cell.value.isConnected ? this.config.connectionType : null;
  }

  /** `config.apiKey` while connected, else null (as 1.2.0). Never logged or put in an error. */
  get apiKey(): string | null {
    return this.cell.value.isConnected ? this.config.apiKey : null;
  }

  /** `config.characterId` while connected, else null (as 1.2.0). */
  get characterId(): string | null {
    return this.cell.value.isConnected ? this.config.characterId : null;
  }

  /** The current session's bot said `bot-ready` (false while not connected). */
  get isBotReady(): boolean {
    return this.conversation.isBotReady;
  }

  /** Turns started by `sendUserTextMessage` (0 before the first); `conversationStart`/`turnEnd` carry it. */
  get conversationSessionId(): number {
    return this.conversation.conversationSessionId;
  }

  on<E extends keyof ConvaiClientEvents>(event: E, listener: (payload: ConvaiClientEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  off<E extends keyof ConvaiClientEvents>(event: E, listener: (payload: ConvaiClientEvents[E]) => void): void {
    this.events.off(event, listener);
  }

  readonly audioControls: AudioControls = createAudioControls(() => this.lifecycle, this.events);

  /**
   * Connects over `options.transport ?? config.transport`. Calling it while a connect
   * is under way returns that connect: there is only ever one session.
   */
  connect(options: ConnectOptions = {}): Promise<void> {
    // 1.2.0 let connect(config) replace the constructor's config; here the config is fixed
    const given = options as { apiKey?: unknown; characterId?: unknown };
    for (const field of ['apiKey', 'characterId'] as const) {
      if (given[field] !== undefined && given[field] !== this.config[field]) {
        return Promise.reject(new ConfigError(field, `connect() cannot change \`${field}\`: pass the config to new ConvaiClient(config).`));
      }
    }
    return this.lifecycle.connect(options);
  }

  /** Ends the session (or the connect under way). Never throws. */
  disconnect(): Promise<void> {
    return this.lifecycle.disconnect();
  }

  /** Disconnects, then connects again resuming the same `character_session_id`. */
  async reconnect(options: ConnectOptions = {}): Promise<void> {
    const transport = options.transport ?? this.lifecycle.transport;
    await this.disconnect();
    const sessionId = this.lifecycle.sessionId;
    await this.connect({
      ...options,
      ...(transport ? { transport } : {}),
      ...(sessionId ? { characterSessionId: sessionId } : {}),
    });
  }

  /**
   * Starts a new conversation: the chat log clears now, and the next connect (or
   * `reconnect()`) starts a new character session instead of resuming this one. A
   * session that is connected stays connected.
   */
  resetSession(): void {
    this.lifecycle.sessionId = undefined;
    this.conversation.clear();
  }

  /*
   * The senders, as in the Convai Web SDK 1.2.0, may be called without awaiting: they
   * never throw and never reject. Each resolves to `true` once the transport took the
   * message (LiveKit published the reliable data packet; the WebSocket frame was handed
   * to the socket), or to `false` when it was not sent: not connected (`NOT_CONNECTED`),
   * bad input (`INVALID_CONFIG`) or a transport failure (`SEND_FAILED`), reported as an
   * `error` event.
   */

  /** Sends the trimmed text and starts a turn (`conversationStart`); on success it joins `chatMessages`. */
  sendUserTextMessage(text: string): Promise<boolean> {
    return this.conversation.sendUserText(text);
  }

  sendTriggerMessage(triggerName?: string, triggerMessage?: string): Promise<boolean> {
    return this.conversation.sendTrigger(triggerName, triggerMessage);
  }

  sendInterruptMessage(): Promise<boolean> {
    return this.conversation.sendInterrupt();
  }

  toggleTts(enabled: boolean): Promise<boolean> {
    return this.conversation.toggleTts(enabled);
  }

  updateTemplateKeys(templateKeys: Readonly<Record<string, string>>): Promise<boolean> {
    return this.conversation.updateTemplateKeys(templateKeys);
  }

  updateDynamicInfo(dynamicInfo: { readonly text: string }): Promise<boolean> {
    return this.conversation.updateDynamicInfo(dynamicInfo);
  }
}

export type { ConvaiClientEvents } from './client-events.js';
export type { ClientInternals } from './session-lifecycle.js';
