import type { TypedEmitter } from '../util/emitter.js';
import type { ConvaiError } from '../errors/convai-error.js';
import { ConfigError } from '../errors/config-error.js';
import { TransportError } from '../errors/transport-error.js';
import { isConvaiError } from '../errors/convai-error.js';
import { decodeMessage, encodeMessage, type InboundMessage, type OutboundMessage } from '../messages/convai-messages.js';
import type { TransportSession } from '../transports/transport-session.js';
import { ChatLog, type ChatMessage } from './chat-log.js';
import type { ConvaiClientEvents } from './client-events.js';
import type { StateCell } from './state.js';

/**
 * The conversation over whichever session is current: inbound Convai messages become
 * state, chat log and events; the senders validate their input and encode outbound
 * messages. It outlives sessions, so a handoff keeps the chat log.
 *
 * Senders never throw and never reject (Convai Web SDK 1.2.0 apps call them without
 * awaiting): each resolves to whether the message was sent, and a message that was not
 * sent is reported once, as an `error` event.
 */
export class Conversation {
  private readonly chat = new ChatLog();
  private transcription = '';
  private turn = 0;
  private turnStartedAt = 0;
  private botReady = false;

  constructor(
    private readonly events: TypedEmitter<ConvaiClientEvents>,
    private readonly state: StateCell,
    /** The session to send on, if any; the lifecycle owns it. */
    private readonly currentSession: () => TransportSession | undefined,
  ) {}

  get messages(): readonly ChatMessage[] {
    return this.chat.all;
  }

  get userTranscription(): string {
    return this.transcription;
  }

  /** Turns started by `sendUserText` since the client was made (0 before the first). */
  get conversationSessionId(): number {
    return this.turn;
  }

  /** The current session's bot said `bot-ready`; false again once it is not connected. */
  get isBotReady(): boolean {
    return this.botReady && this.state.value.isConnected;
  }

  /** The session ended or a new one is connecting: the next bot must say ready again. */
  sessionEnded(): void {
    this.botReady = false;
  }

  clear(): void {
    this.chat.clear();
    if (this.transcription) {
      this.transcription = '';
      this.events.emit('userTranscriptionChange', '');
    }
    this.events.emit('messagesChange', this.chat.all);
  }

  sendUserText(text: string): Promise<boolean> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      return this.refuse(new ConfigError('text', 'Expected `text` to be a non-empty string.'));
    }
    const trimmed = text.trim();
    const session = this.sessionFor('user_text_message');
    if (!session) return Promise.resolve(false);
    this.turn += 1;
    this.turnStartedAt = Date.now();
    this.events.emit('conversationStart', { sessionId: this.turn, userMessage: trimmed, timestamp: this.turnStartedAt });
    return this.deliver(session, { type: 'user_text_message', data: { text: trimmed } }).then((sent) => {
      if (sent) {
        this.chat.addUserText(trimmed);
        this.changed();
        this.state.update({ isThinking: true });
      }
      return sent;
    });
  }

  sendTrigger(triggerName?: string, triggerMessage?: string): Promise<boolean> {
    if (triggerName === undefined && triggerMessage === undefined) {
      return this.refuse(new ConfigError('triggerName', 'Expected `triggerName` or `triggerMessage`.'));
    }
    if ((triggerName !== undefined && typeof triggerName !== 'string') || (triggerMessage !== undefined && typeof triggerMessage !== 'string')) {
      return this.refuse(new ConfigError('triggerName', 'Expected `triggerName` and `triggerMessage` to be strings.'));
    }
    const data: { trigger_name?: string; trigger_message?: string } = {};
    if (triggerName !== undefined) data.trigger_name = triggerName;
    if (triggerMessage !== undefined) data.trigger_message = triggerMessage;
    return this.send({ type: 'trigger-message', data });
  }

  sendInterrupt(): Promise<boolean> {
    return this.send({ type: 'interrupt-bot', data: {} });
  }

  toggleTts(enabled: boolean): Promise<boolean> {
    if (typeof enabled !== 'boolean') return this.refuse(new ConfigError('enabled', 'Expected `enabled` to be a boolean.'));
    return this.send({ type: 'tts-toggle', data: { enabled } });
  }

  updateTemplateKeys(templateKeys: Readonly<Record<string, string>>): Promise<boolean> {
    if (typeof templateKeys !== 'object' || templateKeys === null || Array.isArray(templateKeys)) {
      return this.refuse(new ConfigError('templateKeys', 'Expected `templateKeys` to be an object of strings.'));
    }
    return this.send({ type: 'update-template-keys', data: { template_keys: templateKeys } });
  }

  updateDynamicInfo(dynamicInfo: { readonly text: string }): Promise<boolean> {
    if (typeof dynamicInfo?.text !== 'string') {
      return this.refuse(new ConfigError('dynamicInfo.text', 'Expected `dynamicInfo.text` to be a string.'));
    }
    return this.send({ type: 'update-dynamic-info', data: { dynamic_info: { text: dynamicInfo.text.trim() } } });
  }

  private refuse(error: ConvaiError): Promise<boolean> {
    this.events.emit('error', error);
    return Promise.resolve(false);
  }

  private sessionFor(type: OutboundMessage['type']): TransportSession | undefined {
    const session = this.currentSession();
    if (session && this.state.value.isConnected) return session;
    this.events.emit('error', new TransportError('NOT_CONNECTED', `Did not send \`${type}\`: the client is not connected.`));
    return undefined;
  }

  private send(message: OutboundMessage): Promise<boolean> {
    const session = this.sessionFor(message.type);
    return session ? this.deliver(session, message) : Promise.resolve(false);
  }

  private deliver(session: TransportSession, message: OutboundMessage): Promise<boolean> {
    let sending: Promise<void>;
    try {
      sending = session.send(encodeMessage(message));
    } catch (error) {
      sending = Promise.reject(error);
    }
    return sending.then(
      () => true,
      (error: unknown) => {
        const typed = isConvaiError(error)
          ? error
          : new TransportError('SEND_FAILED', `Could not send \`${message.type}\`: ${String(error)}`, { transport: session.transport, cause: error });
        this.events.emit('error', typed);
        return false;
      },
    );
  }

  /** The chat log changed: the last message, then the whole log (the 1.2.0 order). */
  private changed(): void {
    const all = this.chat.all;
    const last = all[all.length - 1];
    if (last) this.events.emit('message', last);
    this.events.emit('messagesChange', all);
  }

  /** Every inbound payload of every session comes here. */
  receive(payload: Uint8Array): void {
    const decoded = decodeMessage(payload);
    const transport = this.currentSession()?.transport;
    if (!decoded.ok) {
      this.events.emit(
        'error',
        new TransportError('MALFORMED_MESSAGE', `Dropped a malformed message: ${decoded.reason}.`, {
          ...(transport ? { transport } : {}),
        }),
      );
      return;
    }
    const message = decoded.message;
    this.apply(message, transport);
    if (this.chat.apply(message)) this.changed();
    this.events.emit('inboundMessage', message);
  }

  private apply(message: InboundMessage, transport: TransportSession['transport'] | undefined): void {
    switch (message.type) {
      case 'bot-ready':
        this.botReady = true;
        this.events.emit('botReady', { transport: transport ?? 'livekit' });
        break;
      case 'bot-llm-started':
        this.state.update({ isThinking: true });
        break;
      case 'bot-llm-stopped':
        this.state.update({ isThinking: false });
        break;
      case 'user-started-speaking':
        this.state.update({ isListening: true });
        break;
      case 'user-stopped-speaking':
        this.state.update({ isListening: false });
        break;
      case 'bot-started-speaking':
        this.state.update({ isSpeaking: true, isThinking: false });
        this.events.emit('speakingChange', true);
        break;
      case 'bot-stopped-speaking':
        this.state.update({ isSpeaking: false });
        this.events.emit('speakingChange', false);
        if (this.turn > 0) {
          const now = Date.now();
          this.events.emit('turnEnd', { sessionId: this.turn, duration: Math.round((now - this.turnStartedAt) / 10) / 100, timestamp: now });
        }
        break;
      case 'user-transcription': {
        // as 1.2.0: the live (non-final) text, cleared once the final text is in the log
        const data = message.data as { text: string; final?: boolean };
        const next = data.final === false ? data.text : '';
        if (next !== this.transcription) {
          this.transcription = next;
          this.events.emit('userTranscriptionChange', next);
        }
        break;
      }
      default:
        break;
    }
  }
}
