import type { InboundMessage } from '../messages/convai-messages.js';

export type ChatMessageType = 'user' | 'convai' | 'user-transcription' | 'emotion';

export interface ChatMessage {
  readonly id: string;
  readonly type: ChatMessageType;
  readonly content: string;
  /** ISO 8601. */
  readonly timestamp: string;
  /** False while the bot's text is still streaming in. */
  readonly isFinal: boolean;
}

/**
 * How many messages the log keeps by default; older ones are dropped first. A long
 * voice session (transcriptions, replies, emotions) adds a few messages a minute, so
 * this holds hours of talk while keeping every change cheap for UIs that re-render
 * the whole list.
 */
export const CHAT_HISTORY_LIMIT = 500;

/**
 * The conversation as the UI shows it. Streaming bot text is folded into one
 * message per reply (bot-llm-started opens it, bot-llm-text appends, bot-llm-stopped
 * closes it). Returns whether the log changed, so the client emits only on change.
 *
 * Storage is updated in place; `all` hands out a snapshot, copied once per change and
 * only when read, so a streamed token costs O(1) here (it used to copy the whole
 * history per token). The log is bounded by `limit`; the reply being streamed is
 * never the one dropped.
 */
export class ChatLog {
  private readonly messages: ChatMessage[] = [];
  private openReply: ChatMessage | undefined;
  private counter = 0;
  private snapshot: readonly ChatMessage[] | undefined = Object.freeze([]);

  constructor(private readonly limit: number = CHAT_HISTORY_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`ChatLog limit must be a positive integer, got ${limit}.`);
  }

  /** A frozen snapshot: a new array after each change, the same one until then. */
  get all(): readonly ChatMessage[] {
    this.snapshot ??= Object.freeze(this.messages.slice());
    return this.snapshot;
  }

  private push(type: ChatMessageType, content: string, isFinal: boolean): ChatMessage {
    this.counter += 1;
    const message: ChatMessage = { id: `${type}-${this.counter}`, type, content, timestamp: new Date().toISOString(), isFinal };
    this.messages.push(message);
    if (this.messages.length > this.limit) {
      // drop the oldest, unless it is the reply still streaming: then the one after it
      const at = this.messages[0] === this.openReply && this.messages.length > 1 ? 1 : 0;
      this.messages.splice(at, 1);
    }
    this.snapshot = undefined;
    return message;
  }

  addUserText(text: string): void {
    this.push('user', text, true);
  }

  apply(message: InboundMessage): boolean {
    switch (message.type) {
      case 'bot-llm-started':
        this.closeReply();
        this.openReply = this.push('convai', '', false);
        return true;
      case 'bot-llm-text': {
        const text = (message.data as { text: string }).text;
        this.openReply ??= this.push('convai', '', false);
        this.replace(this.openReply, { ...this.openReply, content: this.openReply.content + text });
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
    this.messages.length = 0;
    this.openReply = undefined;
    this.snapshot = undefined;
  }

  private closeReply(): boolean {
    if (this.openReply === undefined) return false;
    this.replace(this.openReply, { ...this.openReply, isFinal: true });
    this.openReply = undefined;
    return true;
  }

  /** The open reply is the newest or close to it: search from the end. */
  private replace(current: ChatMessage, next: ChatMessage): void {
    const index = this.messages.lastIndexOf(current);
    if (index === -1) return;
    this.messages[index] = next;
    if (this.openReply === current) this.openReply = next;
    this.snapshot = undefined;
  }
}
