import type { ProbeReasonCode, ProbeReport } from './types.js';

/** The verdict for people: what it means for voice, and what to do about it. */
export interface VerdictAdvice {
  /** `good` (WebRTC over UDP), `fair` (works, with a cost), `poor` (WebSocket only), `bad` (nothing works or cancelled). */
  readonly tone: 'good' | 'fair' | 'poor' | 'bad';
  /** One sentence: "UDP is blocked." */
  readonly headline: string;
  /** What voice will use: "Voice will use the WebSocket transport meanwhile." */
  readonly consequence: string;
  /** What to do, most useful first; empty when nothing needs doing. */
  readonly actions: readonly string[];
}

const has = (report: ProbeReport, code: ProbeReasonCode): boolean => report.reasons.includes(code);

/** The TURN URLs that failed in a given way, for naming them in the advice. */
function turnUrls(report: ProbeReport, outcomes: readonly string[]): string[] {
  return report.checks.gathering.data.servers.filter((s) => s.kind === 'turn' && outcomes.includes(s.outcome)).map((s) => s.url);
}

const FAILED: Readonly<Record<string, string>> = { 'auth-failed': 'rejected the credentials', unreachable: 'was unreachable', timeout: 'did not answer in time' };

/** Servers that failed although WebRTC works: not needed now, but a setup problem worth reporting. */
function failedServers(report: ProbeReport): string[] {
  const failed = report.checks.gathering.data.servers.filter((s) => s.kind !== 'host' && FAILED[s.outcome]);
  if (failed.length === 0) return [];
  const list = failed.map((s) => `${s.url} ${FAILED[s.outcome]}`).join('; ');
  return [`Voice does not need it now, but tell the app\u2019s support team: ${list}.`];
}

function webSocketLine(report: ProbeReport): string {
  const ws = report.checks.websocket;
  if (!ws) return 'Voice will use the WebSocket transport meanwhile.';
  return ws.data.outcome === 'answered'
    ? 'Voice will use the WebSocket transport meanwhile (it answered in this check).'
    : 'The WebSocket check failed too, so voice cannot connect at all.';
}

/**
 * Turns a probe report into plain words. The cause comes first, as the probe lists its
 * reasons cause first (`UDP_BLOCKED` before the `TURN_UNREACHABLE` it leads to).
 */
export function adviseOnReport(report: ProbeReport): VerdictAdvice {
  if (has(report, 'ABORTED')) {
    return { tone: 'bad', headline: 'The check was cancelled before it finished.', consequence: 'Nothing was decided.', actions: ['Run the check again.'] };
  }
  if (report.verdict === 'webrtc') {
    return { tone: 'good', headline: 'Your network is ready for voice.', consequence: 'Voice will use WebRTC over UDP, the best quality.', actions: failedServers(report) };
  }
  if (report.verdict === 'webrtc-relay-tcp') {
    return {
      tone: 'fair',
      headline: 'UDP is blocked, but WebRTC works through TURN over TCP.',
      consequence: 'Voice will use WebRTC relayed over TCP: it works, with more delay when packets are lost.',
      actions: ['For the best audio, ask IT to allow UDP to the TURN server.'],
    };
  }
  const actions: string[] = [];
  let headline: string;
  if (has(report, 'NO_RTCPEERCONNECTION')) {
    headline = 'This browser has WebRTC turned off or does not support it.';
    actions.push('Use a current Chrome, Edge, Firefox or Safari, or allow WebRTC (a privacy extension or a company policy may turn it off).');
  } else if (has(report, 'PEER_CONNECTION_FAILED')) {
    headline = 'The browser refused to open a WebRTC connection.';
    actions.push('Close other tabs that use calls or video, reload this page and run the check again.');
  } else if (has(report, 'NO_ICE_SERVERS')) {
    headline = 'No STUN or TURN server is configured, so WebRTC could not be checked.';
    actions.push('The app must pass its TURN servers to the check (this is a setup problem, not your network).');
  } else if (has(report, 'TURN_AUTH_FAILED')) {
    const urls = turnUrls(report, ['auth-failed']);
    headline = `The TURN server rejected the credentials (401)${urls.length ? `: ${urls.join(', ')}` : ''}.`;
    actions.push('This is a setup problem, not your network: the app\u2019s TURN username or credential is wrong or has expired. Tell the app\u2019s support team.');
  } else if (has(report, 'UDP_BLOCKED')) {
    headline = 'UDP is blocked.';
    actions.push('Ask IT to allow UDP to the TURN server, or TURN over TCP/TLS on port 443.');
  } else if (has(report, 'TURN_UNREACHABLE')) {
    headline = 'The TURN server did not answer.';
    actions.push('Check that the TURN server is running and reachable from this network, or ask IT to allow TURN over TCP/TLS on port 443.');
  } else if (has(report, 'CONNECTIVITY_FAILED')) {
    headline = 'The TURN server answered, but audio packets could not get through it.';
    actions.push('A firewall may block the relay\u2019s ports: ask IT to allow UDP to the TURN server\u2019s relay port range.');
  } else if (has(report, 'NO_RELAY_CANDIDATES')) {
    headline = 'No TURN relay was available, and voice sessions connect only through one.';
    actions.push('The app must configure a TURN server (STUN alone is not enough here).');
  } else {
    headline = 'WebRTC is not usable on this network.';
  }
  if (has(report, 'WS_HANG')) actions.push('The WebSocket opened but never answered: a proxy may be holding it. Ask IT to let WebSocket traffic to the voice server through.');
  else if (has(report, 'WS_FAILED')) actions.push('The WebSocket could not connect: ask IT to allow WebSocket (wss) connections to the voice server.');
  return {
    tone: report.verdict === 'none' ? 'bad' : 'poor',
    headline,
    consequence: webSocketLine(report),
    actions,
  };
}

/** The advice as one paragraph: "UDP is blocked: ask IT to … ; voice will use …". */
export function adviceText(advice: VerdictAdvice): string {
  const todo = advice.actions.length ? ` ${advice.actions.join(' ')}` : '';
  return `${advice.headline}${todo} ${advice.consequence}`;
}
