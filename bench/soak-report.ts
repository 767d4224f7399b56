import type { Row } from './report.js';
import type { SoakConversation, SoakResult } from './soak.js';
import { driftMs, openCounts, type OpenCounts } from '../test/reliability/soak-driver.js';
import { summarize } from './stats.js';

/** Bounds the soak is judged on (stated in bench/RESULTS.md). */
export const SOAK_BOUNDS = {
  /**
   * Heap growth after GC over the measured churn cycles (warm-up excluded). It includes
   * one-time costs that stop growing: V8's optimized code for the functions a cycle runs
   * (about half of the first half's growth in 'auto', by heap snapshot diff), Chromium's
   * resource-timing buffer (250 entries) and DevTools' network buffer, the chat log (2
   * entries a cycle, capped at 500). 1 MB until 2026-11-30, when 'auto' (the most code per
   * cycle: the probe) measured 1.19 MB, all of it in the first half.
   */
  churnHeapBytes: 1536 * 1024,
  /**
   * Heap growth after GC over the second half of the measured cycles: the steady state,
   * where a leak shows. A room kept per connect (fixed; ~5 KB a cycle) grew 256 KB here.
   */
  churnSecondHalfHeapBytes: 128 * 1024,
  /** Heap growth after GC from the first message of a conversation to its end, still connected. */
  conversationHeapBytes: 2 * 1024 * 1024,
  /** Median of the last 3 replies minus median of the first 3. */
  latencyDriftMs: 50,
} as const;

const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;
const ms = (n: number): string => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'n/a');
const judge = (ok: boolean): 'met' | 'missed' => (ok ? 'met' : 'missed');
const open = (o: OpenCounts): string => `${o.openPeerConnections} pc, ${o.openSockets} ws, ${o.openAudioContexts} ctx, ${o.liveTracks} tracks, ${o.intervals} intervals, ${o.deviceListeners} devicechange listeners, ${o.peerHandlersLeft} closed pc with handlers`;
const nothingOpen = (o: OpenCounts): boolean => Object.values(o).every((n) => n === 0);
const lateText = (late: readonly { readonly ms: number }[]): string =>
  late.length === 0 ? '0 late' : `${late.length} late (up to ${(Math.max(...late.map((l) => l.ms)) / 1000).toFixed(1)} s)`;
/** Answered once each, in time, and nothing refused or unexpected. */
const allOnce = (t: SoakConversation['tally']): boolean =>
  t.sent === t.answered && t.duplicated === 0 && t.unexpected === 0 && t.sendFailed === 0 && t.late.length === 0;

export function soakRows(s: SoakResult): Row[] {
  const out: Row[] = [];
  for (const c of s.churn) {
    const t = c.tally;
    const ok = c.connectFailures.length === 0 && allOnce({ ...t, latenciesMs: [] });
    const cycle = summarize(c.cycleMs);
    const growth = c.heapBytes.end - c.heapBytes.start;
    const secondHalf = c.heapBytes.end - c.heapBytes.middle;
    out.push(
      {
        measurement: `6 churn, ${c.cycles} cycles`,
        variant: `${c.name}: messages`,
        median: `${t.answered}/${t.sent} answered`,
        spread: '',
        comparison:
          `${t.duplicated} duplicated, ${lateText(t.late)}, ${t.unexpected} unexpected, ${c.connectFailures.length} connect failures; on ${Object.entries(c.transports).map(([k, n]) => `${k} x${n}`).join(', ')}` +
          (c.room ? `; room: ${c.room.messagesReceived} received, ${c.room.repliesSent} replies sent, ${c.room.repliesUnsent} unsent, ${c.room.sessions} sessions` : ''),
        target: 'all, once',
        status: judge(ok),
      },
      {
        measurement: `6 churn, ${c.cycles} cycles`,
        variant: `${c.name}: left open`,
        median: open(openCounts(c.leftovers)),
        spread: '',
        comparison: `created: ${c.leftovers.created.peerConnections} pc, ${c.leftovers.created.sockets} ws, ${c.leftovers.created.audioContexts} ctx, ${c.leftovers.created.tracks} tracks`,
        target: '0',
        status: judge(nothingOpen(openCounts(c.leftovers))),
      },
      {
        measurement: `6 churn, ${c.cycles} cycles`,
        variant: `${c.name}: heap growth after GC`,
        median: kb(growth),
        spread: `cycle ${ms(cycle.p10)}-${ms(cycle.p90)}`,
        comparison: `${kb(c.heapBytes.start)} -> ${kb(c.heapBytes.middle)} -> ${kb(c.heapBytes.end)}; second half ${kb(secondHalf)}; cycle median ${ms(cycle.median)}`,
        target: `< ${kb(SOAK_BOUNDS.churnHeapBytes)}, second half < ${kb(SOAK_BOUNDS.churnSecondHalfHeapBytes)}`,
        status: judge(growth < SOAK_BOUNDS.churnHeapBytes && secondHalf < SOAK_BOUNDS.churnSecondHalfHeapBytes),
      },
    );
  }
  for (const c of s.conversations) {
    const t = c.tally;
    const growth = c.heapBytes.end - c.heapBytes.start;
    const d = driftMs(t.latenciesMs);
    const lat = summarize([...t.latenciesMs]);
    const minutes = (c.durationMs / 60_000).toFixed(1);
    out.push(
      {
        measurement: `6 conversation, ${minutes} min`,
        variant: `${c.name}: messages`,
        median: `${t.answered}/${t.sent} answered`,
        spread: '',
        comparison:
          `${t.duplicated} duplicated, ${lateText(t.late)}, ${t.unexpected} unexpected; stayed connected: ${c.stayedConnected}; ` +
          (c.room ? `room: ${c.room.messagesReceived} received, ${c.room.repliesSent} replies sent, ${c.room.repliesUnsent} unsent, ${c.room.sessions} session(s); ` : '') +
          `chat log ${c.chatLength} entries; errors: ${c.errors.length === 0 ? 'none' : c.errors.join(', ')}`,
        target: 'all, once, each within 8 s',
        status: judge(allOnce(t) && c.stayedConnected),
      },
      {
        measurement: `6 conversation, ${minutes} min`,
        variant: `${c.name}: heap growth after GC`,
        median: kb(growth),
        spread: '',
        comparison: `${kb(c.heapBytes.start)} -> ${kb(c.heapBytes.middle)} -> ${kb(c.heapBytes.end)}; after disconnect ${kb(c.heapBytes.afterDisconnect)}`,
        target: `< ${kb(SOAK_BOUNDS.conversationHeapBytes)}`,
        status: judge(growth < SOAK_BOUNDS.conversationHeapBytes),
      },
      {
        measurement: `6 conversation, ${minutes} min`,
        variant: `${c.name}: reply latency, first 3 vs last 3`,
        median: `${ms(d.first)} -> ${ms(d.last)}`,
        spread: `${ms(lat.p10)}-${ms(lat.p90)}`,
        comparison: `all replies: median ${ms(lat.median)}`,
        target: `drift < +${SOAK_BOUNDS.latencyDriftMs} ms`,
        status: judge(d.last - d.first < SOAK_BOUNDS.latencyDriftMs),
      },
      {
        measurement: `6 conversation, ${minutes} min`,
        variant: `${c.name}: left open after disconnect`,
        median: open(openCounts(c.leftovers)),
        spread: '',
        comparison: `while connected: ${open(c.openWhileConnected)}`,
        target: '0',
        status: judge(nothingOpen(openCounts(c.leftovers))),
      },
    );
  }
  return out;
}

export const SOAK_METHOD = `- Soak and churn (section 6, \`npm run bench -- --only soak [--quick] [--soak-cycles N] [--soak-minutes M]\`;
  \`SOAK_QUICK=1\` is the same as \`--quick\`): the soak page (\`test/reliability/soak-page.ts\`) holds one real
  \`ConvaiClient\` with the mic on (Chromium's fake microphone). Churn: one client per scenario, connected and
  disconnected N times (default 100, after 3 warm-up cycles), with a text round trip in every cycle: forced
  LiveKit, forced WebSocket, \`auto\` on a healthy network (LiveKit), and \`auto\` falling back (Chromium with
  \`--webrtc-ip-handling-policy=disable_non_proxied_udp\` and no TURN/TCP offered, so every negotiation ends on
  WebSocket); no remembered choice, so every \`auto\` cycle probes. The first warm-up cycle of \`auto\` on a healthy
  network is a forced WebSocket one: loading the WebSocket chunk costs ~1 MB of heap once (measured), and a single
  fallback among the measured cycles would otherwise count it as growth. Conversation: one connect per transport, a
  user message every 10 s for M minutes (default 15, \`--quick\` 2), each awaited; LiveKit and WebSocket run at
  the same time in two browsers. Counted as the fault suite counts them: every RTCPeerConnection, WebSocket and
  AudioContext the page constructs, every getUserMedia track and every setInterval, wrapped at page load; a
  closed one is dropped from the lists at each reading, so the counting keeps nothing alive; a peer connection
  that still has an event handler when it is seen closed is counted (Chromium may keep it alive, and with it all
  that the handler reaches). "Left open" is read
  after the phase, polling up to 5 s for asynchronous closes. Replies are counted per message text ("You said:
  <text>" from the local bot): answered = messages with at least one reply, duplicated = more than one, late =
  a reply after its round trip stopped waiting (8 s), and a reply to nothing sent is "unexpected". After a
  conversation's last message the soak waits up to 30 s for replies still owed before counting, so a slow reply
  to the last message counts as late, as a slow reply to any earlier one does, not as lost. For LiveKit it also
  counts the replies seen on the page's own RTCDataChannels (before livekit-client reads them) and what the
  local room received, sent and could not send, to place a lost reply on the server, the path or the page. Heap: JS heap in use after two forced GCs (CDP
  \`HeapProfiler.collectGarbage\`, \`Runtime.getHeapUsage\`), for churn before the first measured cycle, half-way
  and after the last; for a conversation after connecting, half-way and at the end (still connected). Bounds:
  churn heap growth < ${SOAK_BOUNDS.churnHeapBytes / 1024} KB over the measured cycles, which includes one-time costs (V8's optimized
  code for what a cycle runs, Chromium's bounded resource-timing and DevTools network buffers, the chat log up to
  its 500 entries; checked with heap snapshot diffs), and < ${SOAK_BOUNDS.churnSecondHalfHeapBytes / 1024} KB over the second half, where those
  have stopped and a leak shows, conversation heap growth < ${SOAK_BOUNDS.conversationHeapBytes / 1024} KB, reply latency of
  the last 3 messages within +${SOAK_BOUNDS.latencyDriftMs} ms of the first 3 (the local bot answers at once, so this is the client's own
  time plus loopback). \`npm test\` runs a 10-cycle churn of the same four scenarios (\`test/e2e/soak-churn.test.ts\`)
  and fails on anything left open or any message lost or duplicated; it asserts no time and no heap figure.`;
