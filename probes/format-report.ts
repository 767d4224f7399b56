import type { ProbeReasonCode, ProbeReport, ServerResult } from './types.js';

const VERDICT_TEXT = {
  webrtc: 'WebRTC works (UDP).',
  'webrtc-relay-tcp': 'WebRTC works, but only through TURN over TCP/TLS (expect more latency).',
  websocket: 'WebRTC is not usable here: use the WebSocket transport.',
  none: 'Nothing works: neither WebRTC nor the WebSocket check succeeded.',
} as const;

/** One line per reason: what it means and what to do about it. */
export const REASON_TEXT: Readonly<Record<ProbeReasonCode, string>> = {
  NO_RTCPEERCONNECTION: 'This environment has no RTCPeerConnection (WebRTC disabled or unsupported).',
  NO_ICE_SERVERS: 'No STUN/TURN server was configured.',
  PEER_CONNECTION_FAILED: 'The browser refused to create an RTCPeerConnection (too many open in this page?).',
  UDP_BLOCKED: 'No UDP server answered: a firewall or browser policy blocks UDP.',
  TURN_AUTH_FAILED: 'A TURN server rejected the credentials (401): check username and credential.',
  TURN_UNREACHABLE: 'No TURN server answered.',
  TURN_TCP_ONLY: 'Only TURN over TCP/TLS gave a working relay (UDP is blocked, filtered or not configured).',
  STUN_TIMEOUT: 'A STUN server did not answer before the deadline.',
  NO_RELAY_CANDIDATES: "No TURN relay candidate: with iceTransportPolicy 'relay' WebRTC cannot connect.",
  CONNECTIVITY_FAILED: 'Candidates were gathered, but two peers could not exchange data through them before the deadline.',
  WS_HANG: 'The WebSocket opened but never answered (a proxy may be buffering it).',
  WS_FAILED: 'The WebSocket could not be opened or was closed before answering.',
  ABORTED: 'The probe was cancelled before it finished.',
};

function server(result: ServerResult): string {
  const label = result.kind === 'host' ? 'host candidates' : `${result.url} (${result.kind.toUpperCase()}/${result.transport.toUpperCase()})`;
  const types = [...new Set(result.candidates.map((c) => c.type))].join(', ') || 'no candidates';
  const when = result.firstUsefulMs === undefined ? `${result.durationMs} ms` : `after ${result.firstUsefulMs} ms`;
  const errors = result.errors.length ? `; errors: ${result.errors.map((e) => `${e.code} ${e.text}`.trim()).join(', ')}` : '';
  // no srflx on a host without NAT means the server answered (docs/ARCHITECTURE.md, "Chromium"); cancelled means not asked to the end
  const mark = result.outcome === 'ok' || result.outcome === 'no-srflx' ? 'ok  ' : result.outcome === 'cancelled' ? 'skip' : 'FAIL';
  return `  ${mark} ${label}: ${result.outcome}, ${types}, ${when}${errors}`;
}

/** A plain-text report for people: support tickets, the CLI, the diagnostics page. */
export function formatReport(report: ProbeReport): string {
  const { capability, gathering, connectivity, websocket } = report.checks;
  const lines = [
    `Verdict: ${report.verdict}: ${VERDICT_TEXT[report.verdict]}`,
    `Policy: ${report.policy}; took ${report.durationMs} ms (deadline ${report.deadlineMs} ms); started ${report.startedAt}`,
  ];
  if (report.reasons.length) {
    lines.push('Reasons:');
    // own properties only: a report read back from JSON may carry any code, `constructor` included
    for (const code of report.reasons) lines.push(`  ${code}: ${Object.prototype.hasOwnProperty.call(REASON_TEXT, code) ? REASON_TEXT[code] : 'no explanation for this code in this version.'}`);
  }
  lines.push(`RTCPeerConnection: ${capability.data.rtcPeerConnection ? 'available' : 'missing'}`);
  lines.push(`ICE gathering: ${gathering.status}${gathering.data.early ? ' (stopped early: a UDP path was found)' : ''}`);
  for (const result of gathering.data.servers) lines.push(server(result));
  const c = connectivity.data;
  lines.push(
    connectivity.status === 'skipped'
      ? 'Connectivity check: skipped'
      : `Connectivity check: ${c.ok ? `ok via ${c.via} relay, RTT ${c.rttMs} ms (setup ${c.setupMs} ms)` : `FAILED (${connectivity.error ?? c.iceState ?? 'unknown'})`}`,
  );
  if (websocket) {
    const w = websocket.data;
    lines.push(
      `WebSocket ${w.url}: ${w.outcome}${w.answerMs === undefined ? '' : `, answered after ${w.answerMs} ms`}${w.closeCode === undefined ? '' : `, close code ${w.closeCode}`}`,
    );
  }
  return lines.join('\n');
}
