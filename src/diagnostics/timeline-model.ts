import { parseIceUrl } from '../../probes/ice-url.js';
import type { CandidateInfo, ProbeProgressEvent, ProbeReport, ServerResult } from '../../probes/types.js';

/** Colour class of a mark or lane; the SVG maps each to a CSS variable. */
export type TimelineTone = 'host' | 'srflx' | 'relay' | 'ok' | 'bad' | 'skip' | 'busy';

export interface TimelineMark {
  /** Milliseconds since the probe started. */
  readonly atMs: number;
  readonly kind: 'candidate' | 'error' | 'end';
  readonly tone: TimelineTone;
  /** For the tooltip and the screen-reader text. */
  readonly label: string;
}

/** One row of the picture: a STUN/TURN server and protocol, or a check. */
export interface TimelineLane {
  readonly id: string;
  readonly label: string;
  readonly group: 'server' | 'check';
  readonly startMs: number;
  /** Undefined while still running. */
  readonly endMs?: number;
  readonly tone: TimelineTone;
  readonly marks: readonly TimelineMark[];
}

export interface TimelineModel {
  /** The time axis ends here (ms since the probe started). */
  readonly spanMs: number;
  readonly lanes: readonly TimelineLane[];
}

/** Outcomes in words for the table and the timeline ("auth-failed" is a code; "credentials rejected (401)" is an answer). */
export const OUTCOME_WORDS: Readonly<Record<ServerResult['outcome'], string>> = {
  ok: 'works',
  'no-srflx': 'answered (no NAT)',
  'no-candidates': 'no candidates',
  'auth-failed': 'credentials rejected (401)',
  unreachable: 'unreachable',
  timeout: 'no answer in time',
  cancelled: 'not needed',
  'peer-failed': 'browser refused',
};

const OK_OUTCOMES = new Set(['ok', 'no-srflx']);

export function laneLabel(url: string, kind: 'stun' | 'turn' | 'host', transport: string): string {
  if (kind === 'host') return 'Host candidates';
  return `${kind.toUpperCase()}/${transport.toUpperCase()} ${url.replace(/^(stuns?|turns?):/, '').replace(/\?.*$/, '')}`;
}

const candidateTone = (c: CandidateInfo): TimelineTone => (c.type === 'relay' ? 'relay' : c.type === 'host' ? 'host' : 'srflx');
const candidateLabel = (c: CandidateInfo): string =>
  `${c.type} candidate ${c.protocol.toUpperCase()}${c.relayProtocol ? ` (relay over ${c.relayProtocol.toUpperCase()})` : ''}`;

function serverLane(s: ServerResult, gatherStart: number): TimelineLane {
  const end = gatherStart + s.durationMs;
  const tone: TimelineTone = OK_OUTCOMES.has(s.outcome) ? 'ok' : s.outcome === 'cancelled' ? 'skip' : 'bad';
  return {
    id: `server-${s.serverIndex}-${s.url}`,
    label: laneLabel(s.url, s.kind, s.transport),
    group: 'server',
    startMs: gatherStart,
    endMs: end,
    tone,
    marks: [
      ...s.candidates.map((c) => ({ atMs: gatherStart + c.atMs, kind: 'candidate' as const, tone: candidateTone(c), label: candidateLabel(c) })),
      ...s.errors.map((e) => ({ atMs: end, kind: 'error' as const, tone: 'bad' as const, label: `error ${e.code} ${e.text}`.trim() })),
      { atMs: end, kind: 'end', tone, label: OUTCOME_WORDS[s.outcome] },
    ],
  };
}

/** The picture of a finished probe, from its report alone (so a saved JSON report draws the same). */
export function timelineFromReport(report: ProbeReport): TimelineModel {
  const { gathering, connectivity, websocket } = report.checks;
  const lanes: TimelineLane[] = gathering.data.servers.map((s) => serverLane(s, gathering.startedAtMs));
  if (connectivity.status !== 'skipped') {
    const end = connectivity.startedAtMs + connectivity.durationMs;
    const c = connectivity.data;
    const tone: TimelineTone = c.ok ? 'ok' : 'bad';
    const label = c.ok ? `connected via ${c.via.toUpperCase()} relay${c.rttMs === undefined ? '' : `, RTT ${c.rttMs} ms`}` : `failed${connectivity.error ? `: ${connectivity.error}` : ''}`;
    lanes.push({ id: 'check-connectivity', label: 'Connectivity check', group: 'check', startMs: connectivity.startedAtMs, endMs: end, tone, marks: [{ atMs: end, kind: c.ok ? 'end' : 'error', tone, label }] });
  }
  if (websocket) {
    const w = websocket.data;
    const start = websocket.startedAtMs;
    const end = start + websocket.durationMs;
    const tone: TimelineTone = w.outcome === 'answered' ? 'ok' : w.outcome === 'cancelled' ? 'skip' : 'bad';
    const marks: TimelineMark[] = [];
    if (w.openMs !== undefined) marks.push({ atMs: start + w.openMs, kind: 'candidate', tone: 'host', label: 'WebSocket open' });
    marks.push({ atMs: w.answerMs === undefined ? end : start + w.answerMs, kind: tone === 'bad' ? 'error' : 'end', tone, label: w.outcome });
    lanes.push({ id: 'check-websocket', label: 'WebSocket', group: 'check', startMs: start, endMs: end, tone, marks });
  }
  const last = Math.max(report.durationMs, ...lanes.map((l) => l.endMs ?? 0));
  return { spanMs: Math.max(1, last), lanes };
}

/**
 * The picture while the probe runs, from its progress events: a lane per configured URL
 * from the start (so a silent server shows as an empty, growing lane), marks as candidates arrive.
 */
export function timelineFromEvents(urls: readonly string[], events: readonly ProbeProgressEvent[], nowMs: number): TimelineModel {
  const gatherStart = events.find((e) => e.type === 'check' && e.check === 'ice-gathering')?.elapsedMs;
  const lanes = new Map<string, { label: string; marks: TimelineMark[]; endMs?: number; tone: TimelineTone }>();
  for (const url of urls) {
    let label = url;
    try {
      const p = parseIceUrl(url, 'url');
      label = laneLabel(url, p.scheme.startsWith('stun') ? 'stun' : 'turn', p.transport);
    } catch {
      // shown as given; the probe itself names the bad field
    }
    lanes.set(url, { label, marks: [], tone: 'busy' });
  }
  for (const e of events) {
    const url = e.type === 'candidate' ? e.url : e.type === 'server' ? e.result.url : undefined;
    if (url === undefined) continue;
    // the host-candidate gatherer is not among the configured URLs
    const label = e.type === 'server' ? laneLabel(url, e.result.kind, e.result.transport) : url === 'host' ? laneLabel(url, 'host', 'udp') : url;
    const lane = lanes.get(url) ?? { label, marks: [], tone: 'busy' as TimelineTone };
    lanes.set(url, lane);
    if (e.type === 'candidate') lane.marks.push({ atMs: e.elapsedMs, kind: 'candidate', tone: candidateTone(e.candidate), label: candidateLabel(e.candidate) });
    if (e.type === 'server') {
      lane.endMs = e.elapsedMs;
      lane.tone = OK_OUTCOMES.has(e.result.outcome) ? 'ok' : e.result.outcome === 'cancelled' ? 'skip' : 'bad';
      lane.marks.push({ atMs: e.elapsedMs, kind: e.result.errors.length ? 'error' : 'end', tone: lane.tone, label: OUTCOME_WORDS[e.result.outcome] });
    }
  }
  const start = gatherStart ?? 0;
  const out: TimelineLane[] = [...lanes.entries()].map(([url, l]) => ({
    id: `live-${url}`,
    label: l.label,
    group: 'server',
    startMs: start,
    ...(l.endMs === undefined ? {} : { endMs: l.endMs }),
    tone: l.tone,
    marks: l.marks,
  }));
  const connectivity = events.find((e) => e.type === 'check' && e.check === 'connectivity' && e.status === 'running');
  if (connectivity) out.push({ id: 'live-connectivity', label: 'Connectivity check', group: 'check', startMs: connectivity.elapsedMs, tone: 'busy', marks: [] });
  return { spanMs: Math.max(1, nowMs), lanes: out };
}
