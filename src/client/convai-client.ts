import { resolveConfig, type ConvaiClientConfig, type ResolvedConfig, type TransportPreference } from './config.js';
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

export interface ConnectOptions {
  /** Cancels the backend call and the transport connect; `connect()` rejects with `ABORTED`. */
  readonly signal?: AbortSignal;
  /** Overrides `config.transport` for this connect. */
  readonly transport?: TransportPreference;
  /** Resume this session instead of `config.characterSessionId`. */
  readonly characterSessionId?: string;
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
  private readonly cell = new StateCell((state) => this.events.emit('stateChange', state));
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

  get characterSessionId(): string | undefined {
    return this.lifecycle.sessionId;
  }

  on<E extends keyof ConvaiClientEvents>(event: E, listener: (payload: ConvaiClientEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  off<E extends keyof ConvaiClientEvents>(event: E, listener: (payload: ConvaiClientEvents[E]) => void): void {
    this.events.off(event, listener);
  }

  readonly audioControls: AudioControls = (() => {
    const set = (on: boolean): Promise<void> => this.lifecycle.setMic(on);
    const lifecycle = (): SessionLifecycle => this.lifecycle;
    return {
      get isAudioMuted() {
        return !lifecycle().micOn;
      },
      enableAudio: () => set(true),
      disableAudio: () => set(false),
      muteAudio: () => set(false),
      unmuteAudio: () => set(true),
      toggleAudio: () => set(!lifecycle().micOn),
    };
  })();

  /**
   * Connects over `options.transport ?? config.transport`. Calling it while a connect
   * is under way returns that connect: there is only ever one session.
   */
  connect(options: ConnectOptions = {}): Promise<void> {
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

  /** Clears the conversation shown by `chatMessages`. */
  resetSession(): void {
    this.conversation.clear();
  }

  sendUserTextMessage(text: string): Promise<void> {
    return this.conversation.sendUserText(text);
  }

  sendTriggerMessage(triggerName?: string, triggerMessage?: string): Promise<void> {
    return this.conversation.sendTrigger(triggerName, triggerMessage);
  }

  sendInterruptMessage(): Promise<void> {
    return this.conversation.sendInterrupt();
  }

  toggleTts(enabled: boolean): Promise<void> {
    return this.conversation.toggleTts(enabled);
  }

  updateTemplateKeys(templateKeys: Readonly<Record<string, string>>): Promise<void> {
    return this.conversation.updateTemplateKeys(templateKeys);
  }

  updateDynamicInfo(dynamicInfo: { readonly text: string }): Promise<void> {
    return this.conversation.updateDynamicInfo(dynamicInfo);
  }
}

export type { ConvaiClientEvents } from './client-events.js';
export type { ClientInternals } from './session-lifecycle.js';
