import { describe, expect, it } from 'vitest';
import { CHAT_HISTORY_LIMIT, ChatLog } from '../../src/client/chat-log.js';
import type { InboundMessage } from '../../src/messages/convai-messages.js';

const started: InboundMessage = { type: 'bot-llm-started', data: {} };
const stopped: InboundMessage = { type: 'bot-llm-stopped', data: {} };
const token = (text: string): InboundMessage => ({ type: 'bot-llm-text', data: { text } });

describe('ChatLog is bounded', () => {
  it(`keeps the newest ${CHAT_HISTORY_LIMIT} messages by default`, () => {
    const log = new ChatLog();
    for (let i = 0; i < CHAT_HISTORY_LIMIT + 50; i++) log.addUserText(`m${i}`);
    expect(log.all).toHaveLength(CHAT_HISTORY_LIMIT);
    expect(log.all[0]!.content).toBe('m50');
    expect(log.all.at(-1)!.content).toBe(`m${CHAT_HISTORY_LIMIT + 49}`);
    // ids keep counting: a dropped message's id is never reused
    expect(new Set(log.all.map((m) => m.id)).size).toBe(CHAT_HISTORY_LIMIT);
  });

  it('a streaming reply keeps growing while older messages are trimmed under it', () => {
    const log = new ChatLog(3);
    log.addUserText('a');
    log.addUserText('b');
    log.apply(started);
    log.apply(token('Hel'));
    log.addUserText('c');
    log.addUserText('d');
    log.apply(token('lo'));
    log.apply(stopped);
    expect(log.all.map((m) => m.content)).toEqual(['Hello', 'c', 'd']);
    expect(log.all[0]!.isFinal).toBe(true);
  });

  it('the reply being streamed is never the one trimmed', () => {
    const log = new ChatLog(2);
    log.apply(started);
    log.apply(token('x'));
    log.addUserText('1');
    log.addUserText('2');
    expect(log.apply(token('y'))).toBe(true);
    expect(log.all.map((m) => m.content)).toEqual(['xy', '2']);
    expect(log.apply(stopped)).toBe(true);
    expect(log.all[0]!.isFinal).toBe(true);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ChatLog(0)).toThrow(RangeError);
    expect(() => new ChatLog(1.5)).toThrow(RangeError);
  });
});

describe('ChatLog snapshots', () => {
  it('each change gives a new array, earlier snapshots stay as they were, reads without change copy nothing', () => {
    const log = new ChatLog();
    log.apply(started);
    log.apply(token('a'));
    const first = log.all;
    expect(log.all).toBe(first);
    log.apply(token('b'));
    const second = log.all;
    expect(second).not.toBe(first);
    expect(first[0]!.content).toBe('a');
    expect(second[0]!.content).toBe('ab');
  });

  it('streamed tokens do not copy the history: the log is only copied when someone reads it', () => {
    const log = new ChatLog();
    for (let i = 0; i < 100; i++) log.addUserText(`m${i}`);
    log.apply(started);
    // a copy is a slice, a spread or a for-of: count them all while tokens stream in
    let copies = 0;
    const slice = Array.prototype.slice;
    const iterator = Array.prototype[Symbol.iterator];
    Array.prototype.slice = function (this: unknown[], ...args: [number?, number?]) {
      copies += 1;
      return slice.apply(this, args);
    } as typeof slice;
    Array.prototype[Symbol.iterator] = function (this: unknown[]) {
      copies += 1;
      return iterator.call(this);
    } as typeof iterator;
    try {
      for (let i = 0; i < 1_000; i++) log.apply(token('t'));
    } finally {
      Array.prototype.slice = slice;
      Array.prototype[Symbol.iterator] = iterator;
    }
    expect(copies).toBe(0);
    expect(log.all.at(-1)!.content).toBe('t'.repeat(1_000));
  });
});
