/**
 * The soak's reply accounting, per message text (the local bots answer "You said: <text>"):
 * a lost reply, a duplicated one and a late one all show. Pure, so it is unit-tested
 * (test/unit/reply-tally.test.ts); the soak page (soak-page.ts) feeds it.
 */

export interface Tally {
  readonly sent: number;
  /** Messages whose reply came exactly once, or more (see `duplicated`). */
  readonly answered: number;
  /** Messages whose reply came more than once. */
  readonly duplicated: number;
  /** Replies to no message this page sent. */
  readonly unexpected: number;
  /** Send failures (the sender resolved `false`). */
  readonly sendFailed: number;
  /** The first few messages that got no reply. */
  readonly unanswered: readonly string[];
  /**
   * Unanswered messages whose reply did reach one of the page's RTCDataChannels (so it
   * was lost on the page, not on the way); 0 over WebSocket, which the page does not watch.
   */
  readonly unansweredOnDataChannel: number;
  /**
   * Replies that came after their round trip gave up waiting, with their latency; they
   * count in `answered` too. A reply that comes after the count is not seen at all, which
   * is why the soak waits for the replies still owed before counting (soak-driver.ts).
   */
  readonly late: readonly { readonly text: string; readonly ms: number }[];
  /** Messages sent (not refused) and still waiting for a reply. */
  readonly pending: number;
  /** `reconnecting` events: the transport lost its connection and tried to resume. */
  readonly reconnecting: number;
  /** Send to reply, per answered message, in order. */
  readonly latenciesMs: readonly number[];
}

export class ReplyTally {
  private readonly sentAt = new Map<string, number>();
  private readonly replies = new Map<string, number>();
  private readonly gaveUpOn = new Set<string>();
  private readonly refused = new Set<string>();
  private readonly lateReplies: { text: string; ms: number }[] = [];
  private readonly latencies: number[] = [];
  private unexpected = 0;
  private reconnects = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  sending(text: string): void {
    this.sentAt.set(text, this.now());
  }

  /** The sender resolved `false`: no reply is owed. */
  sendFailed(text: string): void {
    this.refused.add(text);
  }

  /** The round trip stopped waiting for `text`'s reply: one that comes later is late. */
  gaveUp(text: string): void {
    if (!this.replies.has(text)) this.gaveUpOn.add(text);
  }

  reconnecting(): void {
    this.reconnects += 1;
  }

  /** A reply to `text` (undefined: not a reply to anything); true if it is the first to a message sent. */
  reply(text: string | undefined): boolean {
    const at = text === undefined ? undefined : this.sentAt.get(text);
    if (text === undefined || at === undefined) {
      this.unexpected += 1;
      return false;
    }
    const n = (this.replies.get(text) ?? 0) + 1;
    this.replies.set(text, n);
    if (n > 1) return false;
    const ms = this.now() - at;
    this.latencies.push(ms);
    if (this.gaveUpOn.has(text)) this.lateReplies.push({ text, ms: Math.round(ms) });
    return true;
  }

  /** `onDataChannel(text)`: the reply to `text` was seen on the page's data channel. */
  tally(onDataChannel: (text: string) => boolean = () => false): Tally {
    let duplicated = 0;
    for (const n of this.replies.values()) if (n > 1) duplicated += 1;
    const missing = [...this.sentAt.keys()].filter((t) => !this.replies.has(t));
    return {
      sent: this.sentAt.size,
      answered: this.replies.size,
      duplicated,
      unexpected: this.unexpected,
      sendFailed: this.refused.size,
      unanswered: missing.slice(0, 5),
      unansweredOnDataChannel: missing.filter(onDataChannel).length,
      late: this.lateReplies.slice(),
      pending: missing.filter((t) => !this.refused.has(t)).length,
      reconnecting: this.reconnects,
      latenciesMs: this.latencies.slice(),
    };
  }
}
