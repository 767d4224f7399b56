import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ConnectBenchResult } from './connect-timing.js';
import { markdownTable, rows, type BenchResults } from './report.js';
import { HEAR_METHOD, hearMarkdown } from './hear.js';

const HEAR_START = '<!-- hear:start -->';
const HEAR_END = '<!-- hear:end -->';

/** The "what the user hears" section, between markers so a run of that section alone can replace it in place. */
function hearSection(results: BenchResults): string {
  if (!results.hear) return '';
  return [
    HEAR_START,
    '## What the user hears',
    '',
    `Run of ${results.startedAt}; 1-minute load average ${results.loadAverage.start} at the start, ${results.loadAverage.end} at the end.`,
    '',
    hearMarkdown(results.hear),
    '',
    HEAR_METHOD,
    HEAR_END,
    '',
  ].join('\n');
}

/** Replaces (or adds, before the verdict matrix or the method) the listening section of an existing RESULTS.md. */
export async function updateHearSection(markdownPath: string, results: BenchResults): Promise<void> {
  let text = '';
  try {
    text = await readFile(markdownPath, 'utf8');
  } catch {
    // no file yet: the section alone
  }
  const section = hearSection(results);
  const start = text.indexOf(HEAR_START);
  const end = text.indexOf(HEAR_END);
  if (start >= 0 && end > start) {
    text = text.slice(0, start) + section + text.slice(end + HEAR_END.length).replace(/^\n+/, '');
  } else {
    const anchor = ['## Verdict matrix', '## Errors in this run', '## Method'].map((h) => text.indexOf(h)).find((i) => i >= 0);
    text = anchor === undefined ? `${text}\n${section}` : text.slice(0, anchor) + section + '\n' + text.slice(anchor);
  }
  await writeFile(markdownPath, text);
}
import { SOAK_METHOD, soakRows } from './soak-report.js';
import type { SoakResult } from './soak.js';

const ms = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? 'n/a' : `${Math.round(n)} ms`);

/** Median phase timings of each variant: where the time of a connect goes. */
function phaseLines(title: string, result: ConnectBenchResult | undefined): string[] {
  if (!result) return [];
  const lines = [`**${title}** (medians, in the page):`, ''];
  for (const v of result.variants) {
    const p = v.phases;
    const parts = ['backendMs', 'probeMs', 'loadMs', 'connectMs', 'totalMs']
      .filter((k) => p[k] !== undefined)
      .map((k) => `${k.replace(/Ms$/, '')} ${ms(p[k])}`);
    const marks = Object.entries(p)
      .filter(([k]) => k.startsWith('at '))
      .sort((a, b) => a[1] - b[1])
      .map(([k, t]) => `${k.slice(3)} ${ms(t)}`);
    if (marks.length > 0) parts.push(`timeline: ${marks.join(' > ')}`);
    const outcome = Object.entries(v.transports).map(([k, n]) => `${k} x${n}`).join(', ');
    const failed = v.failures.length > 0 ? `; ${v.failures.length} failed (${v.failures[0]})` : '';
    lines.push(`- ${v.name}: ${parts.join(', ')}; botReady ${ms(v.botReadyMs.median)}; ${outcome}${failed}`);
  }
  lines.push('');
  return lines;
}

export const METHOD = `## Method

- \`npm run bench\` (\`tsx bench/run.ts [--pairs N] [--only a,b] [--skip-matrix]\`), after \`npm run build\`.
  Everything runs on this machine against loopback, or a network namespace the bench creates.
- Browser figures come from real Chromium (\`/usr/bin/chromium\`, headless, driven by playwright-core, with the
  flags of \`test/support/chromium.ts\`: fake mic, no mDNS, no DNS, loopback only) against the local stack:
  real coturn (TURN/UDP + TURN/TCP), the example backend's \`/connect\`, its LiveKit-signalling room (a werift
  peer; for the connect figures in a process of its own, \`bench/room-process.ts\`, as a LiveKit server is its
  own service) and its Pipecat bot. The page (\`bench/pages/bench-page.ts\`) is bundled by esbuild with code
  splitting and minified, daily-js aliased away as in the package build, so a fallback really fetches the
  WebSocket chunk apps get. The backend answers \`/connect\` in Convai's shape
  (\`room_url\`, \`token\`, \`character_session_id\`, no ICE servers; \`bench/stack.ts\`, shape \`'convai'\`), so
  zero-config clients learn the TURN servers from the LiveKit join, as against the real service. The probe
  deadline is the default (\`negotiation.probeDeadlineMs\`, 1000 ms, scaled down on a fast \`/connect\`).
- Connect timings: \`connect()\` call to the client's \`botReady\` event, each run in a fresh page (fresh JS heap
  and module graph; one browser context, so localStorage persists for the remembered-verdict variant), on a
  client made 500 ms before connect() as apps make it (\`MADE_AHEAD_MS\`, every variant alike; 2a' makes it
  at connect()). The
  variants of a measurement are interleaved: each round runs every variant once, forwards on even rounds and
  backwards on odd ones, after one untimed warm-up round. Reported: the median and p10-p90 of each variant,
  and, against the round's baseline (the forced transport), the median of the per-round differences and of
  the per-round ratios. Issue 14's targets are judged on that median paired difference (auto minus forced),
  as the issue states them; on this shared machine the connect alone spreads over hundreds of ms (see p10-p90),
  so a figure within ~50 ms of its target is within the noise: read the load average beside it. "in-page" is
  total minus connect minus chunk load (minus the reused backend call): with the v2 negotiator's LiveKit
  connect, probe and chunk load overlapping, it no longer adds up to what the user waits, and is shown only
  as a hint (the remembered-verdict target, 5 ms, is still judged on it).
- UDP unusable: (a) \`--webrtc-ip-handling-policy=disable_non_proxied_udp\`; (b) Chromium inside a network
  namespace whose veth drops every UDP packet (nft netdev, silently, both directions). In both, the LiveKit
  join offers TURN/UDP only, so the only way through is the WebSocket fallback.
- Verdict matrix (\`bench/verdict-matrix.ts\`, README "Verdict truth"): each condition built for real in a
  namespace; forced LiveKit (ground truth), forced WebSocket, then \`auto\`, whose conversation is read 10 s
  after connect (the transport it is on, whether a background upgrade moved it, the time from the
  \`connectConvai\` call to being on LiveKit). Round-trip rows delay the whole path: TURN, \`/connect\`, the
  LiveKit signalling and the Pipecat WebSocket, with media forced through the delayed relay.
- Probe alone: \`probe()\` with the negotiator's deadline, in Chromium (one page) and in Node with werift
  (a child process, inside the namespace for the dropped case); the probe's own start-to-verdict clock.
  The first run of each scenario (a fresh page or process) is reported apart as "first". coturn gets 400
  relay ports: werift never deallocates its TURN allocations (measured: they stay until coturn's 10 min
  lifetime ends), so the default 40 run out after ~10 Node probes and every later one fails in ~10 ms.
- Bundle: Vite 8 builds (minified), sizes are gzip -9 of the output chunks. "Core entry" is
  \`bench/fixtures/core-consumer\` (one \`connectConvai\` call) resolved through the package's \`exports\` to
  \`dist/\`; "own code" leaves livekit-client, @livekit/* and p-retry external. The vanilla example is
  \`examples/vanilla\` (client + widget). Pipecat bytes at start come from the bundler's per-module rendered
  lengths, plus a scan for Pipecat's marker strings. The anchor is esbuild's minified bundle of
  \`@pipecat-ai/client-js\` + \`@pipecat-ai/websocket-transport\` with its default DailyMediaManager.
- Resources: N probes back to back in one page, after 10 warm-up probes; JS heap after two forced GCs
  (CDP \`HeapProfiler.collectGarbage\`, \`Runtime.getHeapUsage\`) before and after; peer connections counted
  through a wrapper that holds them only by WeakRef. The probes run in batches of 50 with a GC between:
  Chromium refuses a page's 501st RTCPeerConnection and counts closed ones until they are collected, and a
  probe opens 6, so ~83 probes with no GC hit the cap (measured). A probe that leaked its peer connections
  would hit it despite the GCs and show as failed verdicts.
${SOAK_METHOD}
- No timed assertion lives in \`npm test\`: these numbers are only reported here.
`;

export function resultsMarkdown(results: BenchResults): string {
  const m = results.machine;
  const b = results.bundle;
  const lines = [
    '# Benchmarks',
    '',
    '<!-- generated by `npm run bench` (bench/results-file.ts); edit the generator, not this file -->',
    '',
    `Latest full run: ${results.startedAt}, ${results.rounds} rounds per comparison, ${Math.round(results.durationS)} s in all.`,
    '',
    `Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ${m.chromium}; ${m.coturn}.`,
    `1-minute load average: ${results.loadAverage.start} at the start, ${results.loadAverage.end} at the end. The machine may be`,
    'shared with other jobs: compare medians and per-round figures, not single runs.',
    '',
    '## Results',
    '',
    markdownTable(rows(results)),
    '',
    '## Where the time goes',
    '',
    ...phaseLines('1 healthy network', results.negotiation),
    ...phaseLines('2a UDP policy flag', results.fallback?.udpFlag),
    ...phaseLines("2a' UDP policy flag, client made at connect()", results.fallback?.udpFlagMadeAtConnect),
    ...phaseLines('2b UDP dropped (netns)', results.fallback?.udpDropped),
    ...phaseLines("2c UDP policy flag, ice_servers in /connect (not Convai's shape)", results.fallback?.udpFlagIceInConnect),
  ];
  if (b) {
    lines.push(
      `**Core entry, own code by source folder** (esbuild metafile, minified bytes; gzip share estimated, total ${(b.breakdown.gzipBytes / 1024).toFixed(1)} KB):`,
      '',
      ...b.breakdown.folders.map((s) => `- ${s.folder}: ${s.minifiedBytes} B minified, ~${(s.estGzipBytes / 1024).toFixed(1)} KB gzip`),
      '',
      'Largest files:',
      '',
      ...b.breakdown.files.map((s) => `- ${s.folder}: ${s.minifiedBytes} B minified, ~${(s.estGzipBytes / 1024).toFixed(1)} KB gzip`),
      '',
    );
  }
  if (results.hear) lines.push(hearSection(results));
  if (results.soak) lines.push(soakSection(results.soak, results.startedAt));
  if (results.verdictMatrixText) lines.push('## Verdict matrix', '', '```', results.verdictMatrixText, '```', '');
  if (results.errors.length > 0) lines.push('## Errors in this run', '', ...results.errors.map((e) => `- ${e}`), '');
  lines.push(METHOD);
  return `${lines.join('\n')}\n`;
}

const SOAK_START = '<!-- soak:start -->';
const SOAK_END = '<!-- soak:end -->';

/** Which messages got no reply, per phase, so a loss can be traced in the logs. */
function unansweredLines(soak: SoakResult): string[] {
  const phases = [...soak.churn, ...soak.conversations];
  const lost = phases.filter((r) => r.tally.sent !== r.tally.answered || r.tally.late.length > 0 || r.tally.duplicated > 0);
  if (lost.length === 0) return ['Every message of every phase was answered exactly once, within its round trip\'s wait.', ''];
  const room = (r: (typeof phases)[number]): string => {
    const side = 'room' in r ? r.room : undefined;
    return side ? `; the room received ${side.messagesReceived}, sent ${side.repliesSent} replies, dropped ${side.repliesUnsent} (channel not open), sessions ended: ${side.closeReasons.join(' / ')}` : '';
  };
  return [
    'Messages without a reply in time (first 5 per phase):',
    '',
    ...lost.map(
      (r) =>
        `- ${r.name}: ${r.tally.sent - r.tally.answered} of ${r.tally.sent} unanswered (${r.tally.unanswered.join(', ') || 'none'}), ` +
        `${r.tally.unansweredOnDataChannel} of them seen on the page's data channel; late: ${r.tally.late.map((l) => `${l.text} after ${(l.ms / 1000).toFixed(1)} s`).join(', ') || 'none'}; ` +
        `${r.tally.duplicated} duplicated; ${r.tally.sendFailed} sends refused, ${r.tally.reconnecting} reconnects${room(r)}`,
    ),
    '',
  ];
}

const SOAK_FINDINGS = `**Found by the soak.** (1) LiveKit: every \`Room\` livekit-client 2.23 creates stayed in memory for the
page's life (its cleanup registry holds the room through its own closure; seen in heap snapshots: one room,
engine, token and closed peer connection per connect), now released at disconnect (\`src/transports/livekit-room.ts\`; the churn in \`npm test\` counts the
\`devicechange\` listeners that held them). (2) A LiveKit attempt cancelled before its join (\`auto\` falling
back) left livekit-client's 1 s lossy-channel interval running, now stopped (\`releaseLeakedPeerConnections\`).
(3) A closed peer connection kept its room: livekit-client's \`PCTransport.close()\` leaves \`onicecandidateerror\`
set, and Chromium keeps a connection closed while still gathering alive; with \`auto\` falling back (the UDP policy
leaves gathering unfinished) about one room in two stayed, ~5 KB per connect without end (1.2 MB over 100 cycles
before the fix; ~1 KB per cycle after, over 400). The session now clears the handlers at disconnect
(\`dropHandlers\`); the churn counts closed peer connections that kept a handler and fails on any. (4) The reply
"lost" at the end of earlier LiveKit conversations: the counting gave a conversation's last message only its own
8 s wait (plus up to 2 s), while a late reply to any earlier message still counted whenever it came, so a slow
reply looked lost only when it was the last, which is where both LiveKit conversations of that run missed theirs
(that run cannot tell slow from lost). Every conversation now waits up to 30 s for replies still owed, reports
late ones apart, and for LiveKit counts what the local room received and sent and what reached the page's data
channels. In earlier runs the room's werift peer went \`failed\` about 30 s in, werift's ICE consent timeout
(RFC 7675: no consent response for 30 s; werift then stops sending and the room closes the session), and the
replies of that session were lost; livekit-client rejoined, and a send during the rejoin is refused with
\`NOT_CONNECTED\` (test/e2e/fault-livekit.test.ts). Why the consent responses stopped is not known; it has not
recurred in the runs since (README, "Known limits").`;

/** The soak's own section: a soak-only run replaces it in place (see `spliceSoak`). */
function soakSection(soak: SoakResult, startedAt: string): string {
  const o = soak.options;
  return [
    SOAK_START,
    '## Soak and churn',
    '',
    `Run ${startedAt}${o.quick ? ' (quick mode)' : ''}: churn ${o.cycles} cycles per scenario, conversations of ${(o.conversationMs / 60_000).toFixed(1)} min with a message every ${o.everyMs / 1000} s. Method below.`,
    '',
    markdownTable(soakRows(soak)),
    '',
    ...unansweredLines(soak),
    SOAK_FINDINGS,
    '',
    SOAK_END,
    '',
  ].join('\n');
}

/** Replaces (or adds, before the method) the soak section of an existing RESULTS.md. */
export async function spliceSoak(markdownPath: string, soak: SoakResult, startedAt: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const old = await readFile(markdownPath, 'utf8');
  const section = soakSection(soak, startedAt);
  const a = old.indexOf(SOAK_START);
  const b = old.indexOf(SOAK_END);
  let next: string;
  if (a >= 0 && b > a) next = old.slice(0, a) + section.trimEnd() + old.slice(b + SOAK_END.length);
  else {
    const at = old.indexOf('## Method');
    next = at >= 0 ? `${old.slice(0, at)}${section}\n${old.slice(at)}` : `${old}\n${section}`;
  }
  // the method text of older runs lacks the soak paragraph, or has an older one
  const m = next.indexOf('- Soak and churn (section 6');
  const mEnd = m >= 0 ? next.indexOf('\n- ', m) : -1;
  if (m >= 0 && mEnd > m) next = `${next.slice(0, m)}${SOAK_METHOD}${next.slice(mEnd)}`;
  else next = next.replace('- No timed assertion lives in', `${SOAK_METHOD}\n- No timed assertion lives in`);
  await writeFile(markdownPath, next);
}

export async function writeResults(results: BenchResults, jsonPath: string, markdownPath: string | undefined): Promise<void> {
  await mkdir(dirname(jsonPath), { recursive: true });
  await writeFile(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  if (!markdownPath) return;
  const previous = await readFile(markdownPath, 'utf8').catch(() => '');
  let text = resultsMarkdown(results);
  // the listening and soak sections have runs of their own (long, and the soak wants a quiet machine):
  // a run without them keeps the published ones
  for (const [start, end, ran] of [
    [HEAR_START, HEAR_END, results.hear !== undefined],
    [SOAK_START, SOAK_END, results.soak !== undefined],
  ] as const) {
    const a = previous.indexOf(start);
    const b = previous.indexOf(end);
    if (ran || a < 0 || b < a) continue;
    const kept = `${previous.slice(a, b + end.length)}\n\n`;
    const anchor = ['## Verdict matrix', '## Errors in this run', '## Method'].map((h) => text.indexOf(h)).find((i) => i >= 0);
    text = anchor === undefined ? `${text}\n${kept}` : text.slice(0, anchor) + kept + text.slice(anchor);
  }
  await writeFile(markdownPath, text);
}
