import { HEAR_CONDITIONS, HearRig, type HearCondition, type HearTransport } from './hear-rig.js';
import { roundOrder, summarize, type Summary } from './stats.js';
import type { HearSample } from './pages/hear-page.js';

/** Length of the bot's reply, the tone both bots speak. */
export const HEAR_REPLY_MS = 10_000;

export interface HearCell {
  readonly condition: string;
  readonly label: string;
  readonly transport: HearTransport;
  readonly runs: number;
  readonly failures: readonly string[];
  readonly firstAudibleMs?: Summary;
  /** The user's message -> the bot's first reply event back: the data path alone. */
  readonly replyEventMs?: Summary;
  readonly jitterMs?: Summary;
  /** Percent of the playout span that was silence. */
  readonly gapPercent?: Summary;
  readonly longestGapMs?: Summary;
  readonly playoutMs?: Summary;
  /** LiveKit: percent of played samples concealed by NetEq. */
  readonly concealedPercent?: Summary;
  /** LiveKit: percent of RTP packets lost. */
  readonly packetLossPercent?: Summary;
  /** LiveKit: mean jitter buffer delay. */
  readonly jitterBufferMs?: Summary;
  /** LiveKit: the selected candidate of each run, counted (`relay/udp: 6`). */
  readonly paths?: Readonly<Record<string, number>>;
}

export interface HearResult {
  readonly rounds: number;
  readonly replyMs: number;
  readonly cells: readonly HearCell[];
  readonly samples: readonly (HearSample & { condition: string; transport: HearTransport; round: number })[];
}

const TRANSPORTS: readonly HearTransport[] = ['livekit', 'websocket'];

function summaryOf(samples: readonly HearSample[], pick: (s: HearSample) => number | undefined, digits = 1): Summary | undefined {
  const values = samples.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return values.length > 0 ? summarize(values, digits) : undefined;
}

/**
 * For each condition, `rounds` rounds of one forced-LiveKit and one forced-WebSocket session
 * (order alternating per round), each hearing one 10 s reply in a fresh page.
 */
export async function benchHear(rounds: number, log: (line: string) => void, conditions: readonly HearCondition[] = HEAR_CONDITIONS): Promise<HearResult> {
  const rig = await HearRig.start(HEAR_REPLY_MS);
  const onSignal = (): void => {
    void rig.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const samples: (HearSample & { condition: string; transport: HearTransport; round: number })[] = [];
  try {
    // not counted: the first sessions of a browser pay for starting its audio and WebRTC stacks
    await rig.warmUp(HEAR_REPLY_MS);
    for (const condition of conditions) {
      for (let round = 0; round < rounds; round++) {
        for (const transport of roundOrder(TRANSPORTS, round)) {
          const s = await rig.hearOnce(condition, transport, HEAR_REPLY_MS);
          samples.push({ ...s, condition: condition.id, transport, round });
          log(
            s.ok
              ? `  ${condition.id} ${transport} #${round + 1}: first audible ${Math.round(s.firstAudibleMs ?? NaN)} ms (reply event ${Math.round(s.replyEventMs ?? NaN)} ms), jitter ${(s.jitterMs ?? NaN).toFixed(1)} ms, gaps ${((s.gapShare ?? 0) * 100).toFixed(2)} % (${s.gapCount} gaps, longest ${Math.round(s.longestGapMs ?? 0)} ms, at ${(s.gapOffsetsMs ?? []).join('/')} ms)` +
                  (s.concealedShare !== undefined ? `, concealed ${(s.concealedShare * 100).toFixed(2)} %, loss ${((s.packetLoss ?? 0) * 100).toFixed(1)} %, jb ${Math.round(s.jitterBufferMs ?? NaN)} ms, ${s.path ?? '?'}` : '')
              : `  ${condition.id} ${transport} #${round + 1}: FAILED ${s.error ?? ''}`,
          );
        }
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rig.close();
  }
  return { rounds, replyMs: HEAR_REPLY_MS, cells: hearCells(samples, conditions), samples };
}


/** Medians and p10-p90 per condition and transport, from the runs (failed ones listed apart). */
export function hearCells(samples: HearResult['samples'], conditions: readonly HearCondition[]): HearCell[] {
  const cells: HearCell[] = [];
  for (const condition of conditions) {
    for (const transport of TRANSPORTS) {
      const mine = samples.filter((s) => s.condition === condition.id && s.transport === transport);
      const ok = mine.filter((s) => s.ok);
      const cell: HearCell = {
        condition: condition.id,
        label: condition.label,
        transport,
        runs: ok.length,
        failures: mine.filter((s) => !s.ok).map((s) => s.error ?? 'failed'),
        ...optional('firstAudibleMs', summaryOf(ok, (s) => s.firstAudibleMs)),
        ...optional('replyEventMs', summaryOf(ok, (s) => s.replyEventMs)),
        ...optional('jitterMs', summaryOf(ok, (s) => s.jitterMs)),
        ...optional('gapPercent', summaryOf(ok, (s) => (s.gapShare === undefined ? undefined : s.gapShare * 100), 2)),
        ...optional('longestGapMs', summaryOf(ok, (s) => s.longestGapMs)),
        ...optional('playoutMs', summaryOf(ok, (s) => s.playoutMs)),
        ...optional('concealedPercent', summaryOf(ok, (s) => (s.concealedShare === undefined ? undefined : s.concealedShare * 100), 2)),
        ...optional('packetLossPercent', summaryOf(ok, (s) => (s.packetLoss === undefined ? undefined : s.packetLoss * 100))),
        ...optional('jitterBufferMs', summaryOf(ok, (s) => s.jitterBufferMs)),
        ...(transport === 'livekit'
          ? { paths: ok.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s.path ?? '?']: (acc[s.path ?? '?'] ?? 0) + 1 }), {}) }
          : {}),
      };
      cells.push(cell);
    }
  }
  return cells;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

const fmt = (s: Summary | undefined, digits = 0, unit = ''): string => {
  if (!s) return 'n/a';
  const f = (n: number): string => n.toFixed(digits);
  return `${f(s.median)}${unit} (${f(s.p10)}-${f(s.p90)})`;
};

/** The full table: medians with p10-p90 of every figure, one row per condition and transport. */
export function hearMarkdown(result: HearResult): string {
  const header = '| condition | transport | runs | first audible, ms | reply event, ms | jitter, ms | gaps, % of playout | longest gap, ms | playout span, ms | concealed, % | RTP loss, % | jitter buffer, ms | path |';
  const rule = '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
  const body = result.cells.map((c) =>
    [
      c.label,
      c.transport,
      `${c.runs}${c.failures.length ? ` (+${c.failures.length} failed)` : ''}`,
      fmt(c.firstAudibleMs),
      fmt(c.replyEventMs),
      fmt(c.jitterMs, 1),
      fmt(c.gapPercent, 2),
      fmt(c.longestGapMs),
      fmt(c.playoutMs),
      c.transport === 'livekit' ? fmt(c.concealedPercent, 2) : '-',
      c.transport === 'livekit' ? fmt(c.packetLossPercent, 1) : '-',
      c.transport === 'livekit' ? fmt(c.jitterBufferMs) : '-',
      c.paths ? Object.entries(c.paths).map(([p, n]) => `${p} x${n}`).join(', ') : 'tcp',
    ].join(' | '),
  );
  const failures = result.cells.flatMap((c) => c.failures.map((f) => `- ${c.label}, ${c.transport}: ${f}`));
  return [
    `${result.rounds} rounds per condition, one ${result.replyMs / 1000} s reply per session; median (p10-p90).`,
    '',
    header,
    rule,
    ...body.map((b) => `| ${b} |`),
    ...(failures.length ? ['', 'Failed runs:', '', ...failures] : []),
  ].join('\n');
}

export const HEAR_METHOD = `### Method: what the user hears

- \`npm run bench:hear\` (or \`tsx bench/run.ts --only hear --skip-matrix [--hear-rounds N]\`), about 6 min with
  the default 3 rounds (the figures above: \`--hear-rounds 6\`). The rig is the verdict matrix's: Chromium inside a network namespace, coturn, the backend
  (\`/connect\`, the LiveKit room's werift peer, the Pipecat bot) on the namespace's root side. Forced LiveKit
  (relay-only through coturn, as Convai) and forced WebSocket, alternating first and second per round, each in a
  fresh page; per session, once the bot said \`bot-ready\` and its track plays, one user message, answered by a 10 s 440 Hz tone (peak 0.25): Opus over RTP on
  LiveKit, PCM16 at 24 kHz in Pipecat frames on WebSocket. Both bots pace their audio in real time (20 ms frames on
  a clock), as Pipecat's output transport and a LiveKit agent do; a burst would let the socket buffer hide the network.
- LiveKit is offered TURN/UDP only, so its figures are RTP over UDP (the path column shows the selected candidate).
  Offered TURN/TCP as well, Chromium under loss sometimes settled on the TCP relay, where TCP turns loss into
  retransmission delay (RTP loss 0 % in those runs): two transports in one figure.
- Conditions: loss is random IP packet loss on the namespace's veth, each direction (nft \`numgen random\`), so the
  kernel drops TURN datagrams and TCP segments alike and TCP really retransmits. Delay is the verdict matrix's
  userspace relay (this kernel has no netem), in front of coturn (TURN/UDP and TURN/TCP) and of the backend
  (\`/connect\`, LiveKit signalling and the Pipecat WebSocket, which the page routes through it).
- The tap is the same on both transports: the bot's audio track (LiveKit's remote track; the WebSocket player's
  mirror of what it plays) read by an AudioWorklet in an AudioContext of its own, RMS per render quantum (128
  samples). Audible = RMS above 0.02 (the tone is 0.177). **First audible**: \`sendUserTextMessage()\` to the first
  audible quantum, mapped to page time with \`getOutputTimestamp()\` (both transports carry the same tap latency).
  **Reply event**: the message to the bot's first data message back (\`bot-llm-started\`): the data path alone,
  which tells a slow message (on LiveKit a reliable SCTP data-channel message) from slow audio.
  **Playout span**: first to last audible quantum; minus the reply's 10 000 ms it is the delay the reply gained by
  its end (a jitter buffer growing, or a player whose queue ran dry). **Gaps**: silent quanta between the first and last audible ones, as a share of that span (underruns: the WebSocket
  player's queue ran dry; on LiveKit, what NetEq could not conceal). **Jitter**: RFC 3550's interarrival
  estimator (J += (|D| - J) / 16), averaged over the reply: on LiveKit as libwebrtc computes it from RTP arrival
  (\`inbound-rtp.jitter\`, polled every 100 ms while packets arrive), on WebSocket computed by the page from the
  arrival times of the audio frames (a WebSocket wrapper stamps them before the library sees them) against their
  20 ms spacing. LiveKit only: **concealed** (\`concealedSamples / totalSamplesReceived\` from the message to the
  reply's last packet, within 100 ms: audio NetEq synthesised for lost or late packets, audible as artefacts rather
  than silence; after the last packet NetEq fades out by concealment, which is not counted), RTP loss, and the mean
  jitter buffer delay (\`jitterBufferDelay / jitterBufferEmittedCount\`: latency NetEq adds to absorb jitter).
`;
