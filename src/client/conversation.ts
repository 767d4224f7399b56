import type { TypedEmitter } from '../util/emitter.js';
import { ConfigError } from '../errors/config-error.js';
import { TransportError } from '../errors/transport-error.js';
import { decodeMessage, encodeMessage, type OutboundMessage } from '../messages/convai-messages.js';
import type { TransportSession } from '../transports/transport-session.js';
import { ChatLog, type ChatMessage } from './chat-log.js';
import type { ConvaiClientEvents } from './client-events.js';
import type { StateCell } from './state.js';

/**
 * The conversation over whichever session is current: inbound Convai messages become
 * state, chat log and events; the senders validate their input and encode outbound
 * messages. It outlives sessions, so a handoff keeps the chat log.
 */
export class Conversation {
  private readonly chat = new ChatLog();
  private transcription = '';

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

  clear(): void {
    this.chat.clear();
    this.events.emit('messagesChange', this.chat.all);
  }

  async sendUserText(text: string): Promise<void> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      throw new ConfigError('text', 'Expected `text` to be a non-empty string.');
    }
    await this.send({ type: 'user_text_message', data: { text } });
    this.chat.addUserText(text);
    this.events.emit('messagesChange', this.chat.all);
    this.state.update({ isThinking: true });
  }

  sendTrigger(triggerName?: string, triggerMessage?: string): Promise<void> {
    if (triggerName === undefined && triggerMessage === undefined) {
      return Promise.reject(new ConfigError('triggerName', 'Expected `triggerName` or `triggerMessage`.'));
    }
    const data: { trigger_name?: string; trigger_message?: string } = {};
    if (triggerName !== undefined) data.trigger_name = triggerName;
    if (triggerMessage !== undefined) data.trigger_message = triggerMessage;
    return this.send({ type: 'trigger-message', data });
  }

  sendInterrupt(): Promise<void> {
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
    const session = this.currentSession();
    if (!session || !this.state.value.isConnected) {
      throw new TransportError('NOT_CONNECTED', `Cannot send \`${message.type}\`: the client is not connected.`);
    }
    await session.send(encodeMessage(message));
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
    switch (message.type) {
      case 'bot-ready':
        this.events.emit('botReady', { transport: transport ?? 'livekit' });
        break;
      case 'bot-llm-started':
        this.state.update({ isThinking: true });
        break;
      case 'bot-llm-stopped':
        this.state.update({ isThinking: false });
        break;
      case 'bot-started-speaking':
        this.state.update({ isSpeaking: true, isThinking: false });
        this.events.emit('speakingChange', true);
        break;
      case 'bot-stopped-speaking':
        this.state.update({ isSpeaking: false });
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
}
