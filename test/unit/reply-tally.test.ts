import { describe, expect, it } from 'vitest';
import { ReplyTally } from '../reliability/reply-tally.js';

/** The soak's reply accounting (test/reliability/reply-tally.ts), on a hand-driven clock. */
function tallyAt(): { tally: ReplyTally; advance: (ms: number) => void } {
  let now = 0;
  return { tally: new ReplyTally(() => now), advance: (ms) => (now += ms) };
}

describe('ReplyTally', () => {
  it('a reply within the wait is answered, on time, with its latency', () => {
    const { tally, advance } = tallyAt();
    tally.sending('a');
    advance(3);
    expect(tally.reply('a')).toBe(true);
    expect(tally.tally()).toMatchObject({ sent: 1, answered: 1, late: [], pending: 0, unanswered: [], latenciesMs: [3] });
  });

  it('a reply after the round trip gave up is answered but late, with how late: not a lost one', () => {
    const { tally, advance } = tallyAt();
    tally.sending('slow');
    advance(8_000);
    tally.gaveUp('slow');
    expect(tally.tally()).toMatchObject({ answered: 0, pending: 1, unanswered: ['slow'], late: [] });
    advance(4_500);
    expect(tally.reply('slow')).toBe(true);
    expect(tally.tally()).toMatchObject({ sent: 1, answered: 1, pending: 0, unanswered: [], late: [{ text: 'slow', ms: 12_500 }] });
  });

  it('a message still owed a reply is pending; a refused one is not', () => {
    const { tally } = tallyAt();
    tally.sending('owed');
    tally.sending('refused');
    tally.sendFailed('refused');
    expect(tally.tally()).toMatchObject({ sent: 2, answered: 0, sendFailed: 1, pending: 1, unanswered: ['owed', 'refused'] });
  });

  it('counts duplicates once as answered, and replies to nothing sent as unexpected', () => {
    const { tally } = tallyAt();
    tally.sending('a');
    expect(tally.reply('a')).toBe(true);
    expect(tally.reply('a')).toBe(false);
    expect(tally.reply('never sent')).toBe(false);
    expect(tally.reply(undefined)).toBe(false);
    expect(tally.tally()).toMatchObject({ answered: 1, duplicated: 1, unexpected: 2, latenciesMs: [0] });
  });

  it('tells an unanswered message whose reply reached the page from one whose reply never did', () => {
    const { tally } = tallyAt();
    tally.sending('dropped on the page');
    tally.sending('never arrived');
    expect(tally.tally((t) => t === 'dropped on the page').unansweredOnDataChannel).toBe(1);
    expect(tally.tally().unansweredOnDataChannel).toBe(0);
  });

  it('a reply that came before the round trip gave up is never late', () => {
    const { tally } = tallyAt();
    tally.sending('a');
    tally.reply('a');
    tally.gaveUp('a');
    expect(tally.tally().late).toEqual([]);
  });
});
