import type { Page } from 'playwright-core';
import { churn, conversation, openCdp, soakConfig, type ChurnResult, type ConversationResult } from '../test/reliability/soak-driver.js';
import type { ConvaiClientConfig, TransportPreference } from '../src/index.js';
import { openBenchBrowser, startBenchStack, type BenchStack } from './stack.js';
import type { SessionStats } from '../examples/backend/livekit-room/signal-session.js';

/**
 * 6. Soak and churn, in real Chromium against the local stack, with the soak page
 * (test/reliability/soak-page.ts): one client connected and disconnected `cycles`
 * times per transport (a text round trip in each), then one long conversation per
 * transport (mic on, a user message every 10 s). The conversations run at once,
 * each in its own browser (its own renderer, so its own heap reading).
 */

export interface SoakOptions {
  readonly cycles: number;
  readonly conversationMs: number;
  readonly everyMs: number;
  readonly quick: boolean;
}

/**
 * What the local LiveKit room saw of one conversation (all its sessions: a rejoin opens a
 * new one), to place a lost reply: not received, not sent, or sent and not delivered.
 */
export interface RoomSide {
  readonly sessions: number;
  readonly messagesReceived: number;
  readonly repliesSent: number;
  /** Replies dropped because the room's data channel was not open. */
  readonly repliesUnsent: number;
  /** Why each session ended (the last one: the client's own leave). */
  readonly closeReasons: readonly string[];
}

export type SoakConversation = ConversationResult & { readonly room?: RoomSide };
export type SoakChurn = ChurnResult & { readonly room?: RoomSide };

/** Sums the room's sessions; the same close reasons are counted, not repeated. */
function sumSessions(sessions: readonly SessionStats[]): RoomSide {
  const reasons = new Map<string, number>();
  for (const s of sessions) reasons.set(s.closeReason ?? 'open', (reasons.get(s.closeReason ?? 'open') ?? 0) + 1);
  return {
    sessions: sessions.length,
    messagesReceived: sessions.reduce((n, s) => n + s.dataMessagesReceived, 0),
    repliesSent: sessions.reduce((n, s) => n + s.botRepliesSent, 0),
    repliesUnsent: sessions.reduce((n, s) => n + s.botRepliesUnsent, 0),
    closeReasons: [...reasons].map(([reason, n]) => (n > 1 ? `${reason} x${n}` : reason)),
  };
}

export interface SoakResult {
  readonly options: SoakOptions;
  readonly churn: readonly SoakChurn[];
  readonly conversations: readonly SoakConversation[];
}

const WARMUP = 3;

const kb = (b: number): string => `${(b / 1024).toFixed(0)} KB`;

export async function benchSoak(options: SoakOptions, log: (line: string) => void): Promise<SoakResult> {
  const stack = await startBenchStack({ page: 'test/reliability/soak-page.ts' });
  // in this thread (not `roomProcess`): the soak reads the room's own counts
  const room = stack.room!;
  const churnResults: SoakChurn[] = [];
  const conversations: SoakConversation[] = [];
  try {
    const scenarios: { name: string; transport: TransportPreference; mode: 'plain' | 'udp-flag'; warmupTransport?: TransportPreference }[] = [
      { name: 'livekit', transport: 'livekit', mode: 'plain' },
      { name: 'websocket', transport: 'websocket', mode: 'plain' },
      // the WebSocket chunk loaded in the warm-up: see ChurnOptions.warmupTransport
      { name: 'auto', transport: 'auto', mode: 'plain', warmupTransport: 'websocket' },
      // UDP refused by the browser's policy, no TURN/TCP offered: 'auto' falls back every time
      { name: 'auto, falling back', transport: 'auto', mode: 'udp-flag' },
    ];
    for (const s of scenarios) {
      const browser = await openBenchBrowser(stack, s.mode);
      stack.offer = s.mode === 'udp-flag' ? 'udp-only' : 'full';
      try {
        const page = await browser.openPage();
        const sessionsBefore = room.stats().sessions.length;
        const r = await churn(page, await openCdp(page), {
          name: s.name,
          transport: s.transport,
          cycles: options.cycles,
          warmup: WARMUP,
          ...(s.warmupTransport ? { warmupTransport: s.warmupTransport } : {}),
          config: soakConfig(stack, s.transport),
          onCycle: (i) => {
            if ((i + 1) % 25 === 0) log(`    ${s.name}: ${i + 1}/${options.cycles + WARMUP} cycles`);
          },
        });
        // the room's view of this scenario's LiveKit sessions (none for WebSocket)
        const sessions = room.stats().sessions.slice(sessionsBefore);
        churnResults.push(sessions.length > 0 ? { ...r, room: sumSessions(sessions) } : r);
        log(
          `    churn ${s.name}: ${JSON.stringify(r.transports)}, sent ${r.tally.sent} answered ${r.tally.answered} dup ${r.tally.duplicated}; ` +
            `open ${r.leftovers.openPeerConnections} pc ${r.leftovers.openSockets} ws ${r.leftovers.openAudioContexts} ac ${r.leftovers.liveTracks} tracks ${r.leftovers.intervals} intervals; ` +
            `heap ${kb(r.heapBytes.start)} -> ${kb(r.heapBytes.middle)} -> ${kb(r.heapBytes.end)}` +
            (sessions.length > 0 ? `; room ${JSON.stringify(sumSessions(sessions))}` : ''),
        );
      } finally {
        stack.offer = 'full';
        await browser.close();
      }
    }

    const roomSide = (c: ConversationResult): RoomSide | undefined => {
      if (c.transport !== 'livekit' || !c.characterSessionId) return undefined;
      return sumSessions(room.stats().sessions.filter((s) => s.roomName === `convai-${c.characterSessionId}`));
    };
    const talk = async (name: string, transport: 'livekit' | 'websocket', extra: Partial<ConvaiClientConfig> = {}): Promise<SoakConversation> => {
      const browser = await openBenchBrowser(stack, 'plain');
      try {
        const page: Page = await browser.openPage();
        const c = await conversation(page, await openCdp(page), {
          name,
          transport,
          config: { ...soakConfig(stack, transport), ...extra },
          durationMs: options.conversationMs,
          everyMs: options.everyMs,
          log,
        });
        const room = roomSide(c);
        return room ? { ...c, room } : c;
      } finally {
        await browser.close();
      }
    };
    log(`    conversations: ${Math.round(options.conversationMs / 60_000)} min each, all at once`);
    // LiveKit twice: relay-only (Convai's policy, the default) and with direct paths allowed,
    // to tell the TURN relay apart when replies from the local room's werift peer go missing
    // while the mic streams (found by this soak; both lose them alike; see bench/RESULTS.md)
    const both = await Promise.all([
      talk('livekit', 'livekit'),
      talk('livekit, iceTransportPolicy all', 'livekit', { iceTransportPolicy: 'all' }),
      talk('websocket', 'websocket'),
    ]);
    for (const c of both) {
      conversations.push(c);
      log(
        `    conversation ${c.name}: sent ${c.tally.sent} answered ${c.tally.answered} dup ${c.tally.duplicated} late ${JSON.stringify(c.tally.late)}; ` +
          (c.room ? `room ${JSON.stringify(c.room)}; ` : '') +
          `heap ${kb(c.heapBytes.start)} -> ${kb(c.heapBytes.middle)} -> ${kb(c.heapBytes.end)} (after disconnect ${kb(c.heapBytes.afterDisconnect)}); ` +
          `open after: ${JSON.stringify(c.leftovers)}`,
      );
    }
    return { options, churn: churnResults, conversations };
  } finally {
    await stack.stop();
  }
}
