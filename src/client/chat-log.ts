import type { InboundMessage } from '../messages/convai-messages.js';

/**
 * Who a chat message is from. The character's reply is `'bot-llm-text'`, as the
 * Convai Web SDK 1.2.0 records it; `'user'` is text the app sent (1.2.0 does not log it).
 */
export type ChatMessageType = 'user' | 'bot-llm-text' | 'user-transcription' | 'emotion';

export interface ChatMessage {
  readonly id: string;
  readonly type: ChatMessageType;
  readonly content: string;
  /** ISO 8601. */
  readonly timestamp: string;
  /** False while the bot's text is still streaming in. */
  readonly isFinal: boolean;
  /** `!isFinal`, under the Convai Web SDK 1.2.0's name. */
  readonly isStreaming: boolean;
}

/**
 * The conversation as the UI shows it. Streaming bot text is folded into one
 * message per reply (bot-llm-started opens it, bot-llm-text appends, bot-llm-stopped
 * closes it). Returns whether the log changed, so the client emits only on change.
 */
export class ChatLog {
  private messages: ChatMessage[] = [];
  private openReply: number | undefined;
  private counter = 0;

  get all(): readonly ChatMessage[] {
    return this.messages;
  }

  private push(type: ChatMessageType, content: string, isFinal: boolean): void {
    this.counter += 1;
    this.messages = [
      ...this.messages,
      { id: `${type}-${this.counter}`, type, content, timestamp: new Date().toISOString(), isFinal, isStreaming: !isFinal },
    ];
  }

  addUserText(text: string): void {
    this.push('user', text, true);
  }

  apply(message: InboundMessage): boolean {
    switch (message.type) {
      case 'bot-llm-started':
        this.closeReply();
        this.push('bot-llm-text', '', false);
        this.openReply = this.messages.length - 1;
        return true;
      case 'bot-llm-text': {
        const text = (message.data as { text: string }).text;
        if (this.openReply === undefined) {
          this.push('bot-llm-text', '', false);
          this.openReply = this.messages.length - 1;
        }
        this.update(this.openReply, (m) => ({ ...m, content: m.content + text }));
        return true;
      }
      case 'bot-llm-stopped':
        return this.closeReply();
      case 'user-transcription': {
        const data = message.data as { text: string; final?: boolean };
        if (data.final === false) return false;
        this.push('user-transcription', data.text, true);
        return true;
      }
      case 'bot-emotion':
        this.push('emotion', (message.data as { emotion: string }).emotion, true);
        return true;
      default:
        return false;
    }
  }

  clear(): void {
    this.messages = [];
    this.openReply = undefined;
  }

  private closeReply(): boolean {
    if (this.openReply === undefined) return false;
    this.update(this.openReply, (m) => ({ ...m, isFinal: true, isStreaming: false }));
    this.openReply = undefined;
    return true;
  }

  private update(index: number, change: (m: ChatMessage) => ChatMessage): void {
    const current = this.messages[index];
    if (!current) return;
    const next = [...this.messages];
    next[index] = change(current);
    this.messages = next;
  }
}
