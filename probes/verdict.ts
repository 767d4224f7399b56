import type {
  CapabilityData,
  CheckResult,
  ConnectivityData,
  GatheringData,
  ProbeReasonCode,
  ProbeVerdict,
  ServerResult,
  WebSocketData,
} from './types.js';

/** The best kind of path gathering proved: UDP (relay, or srflx/host under 'all'), TCP/TLS relay only, or none. */
export type PathClass = 'udp' | 'tcp' | 'none';

/**
 * `final`: host candidates count under policy 'all' only once gathering is over; they
 * always arrive first, so counting them earlier would stop every probe before any server answered.
 */
export function bestClass(servers: readonly ServerResult[], policy: 'relay' | 'all', final: boolean): PathClass {
  const ok = servers.filter((s) => s.outcome === 'ok');
  if (ok.some((s) => s.kind === 'turn' && s.transport === 'udp')) return 'udp';
  // 'no-srflx' means the STUN transaction ended without error, i.e. the server answered
  // (libwebrtc then drops a srflx equal to the host candidate): UDP gets through
  if (policy === 'all' && servers.some((s) => s.kind === 'stun' && (s.outcome === 'ok' || s.outcome === 'no-srflx'))) return 'udp';
  // host candidates exist even behind a firewall that drops all UDP: they prove something
  // only when there was no server to ask
  const noServers = servers.every((s) => s.kind === 'host');
  if (policy === 'all' && final && noServers && ok.some((s) => s.candidates.some((c) => c.protocol === 'udp'))) {
    return 'udp';
  }
  if (ok.some((s) => s.kind === 'turn' && s.transport !== 'udp')) return 'tcp';
  return 'none';
}

export interface VerdictInput {
  readonly aborted: boolean;
  readonly capability: CheckResult<CapabilityData>;
  readonly gathering: CheckResult<GatheringData>;
  readonly connectivity: CheckResult<ConnectivityData>;
  readonly websocket?: CheckResult<WebSocketData>;
}

/** Outcomes that say a UDP packet got an answer back. */
const UDP_ANSWERED = new Set(['ok', 'auth-failed', 'no-srflx']);

function udpBlocked(servers: readonly ServerResult[]): boolean {
  const udp = servers.filter((s) => s.kind !== 'host' && s.transport === 'udp');
  if (udp.length === 0) return false;
  if (udp.some((s) => UDP_ANSWERED.has(s.outcome))) return false;
  // 'cancelled' means we stopped asking, so we do not know
  return udp.every((s) => s.outcome === 'timeout' || s.outcome === 'unreachable' || s.outcome === 'no-candidates');
}

/**
 * Pure: check results in, verdict and reasons out. The verdict follows the session's policy:
 * under 'relay' a srflx candidate proves nothing; only a relay that works does.
 */
export function decideVerdict(input: VerdictInput): { verdict: ProbeVerdict; reasons: ProbeReasonCode[] } {
  const reasons: ProbeReasonCode[] = [];
  const add = (code: ProbeReasonCode): void => {
    if (!reasons.includes(code)) reasons.push(code);
  };
  // partial results after an abort prove nothing either way: say only that it was cancelled
  if (input.aborted) return { verdict: 'none', reasons: ['ABORTED'] };
  const servers = input.gathering.data.servers;
  const policy = input.gathering.data.policy;
  let path: PathClass = 'none';
  if (!input.capability.data.rtcPeerConnection) {
    add('NO_RTCPEERCONNECTION');
  } else {
    path = bestClass(servers, policy, true);
    if (servers.some((s) => s.outcome === 'peer-failed')) add('PEER_CONNECTION_FAILED');
    if (servers.length > 0 && servers.every((s) => s.kind === 'host')) add('NO_ICE_SERVERS');
    const turn = servers.filter((s) => s.kind === 'turn');
    if (turn.some((s) => s.outcome === 'auth-failed')) add('TURN_AUTH_FAILED');
    if (udpBlocked(servers)) add('UDP_BLOCKED');
    if (servers.some((s) => s.kind === 'stun' && s.outcome === 'timeout')) add('STUN_TIMEOUT');
    if (turn.length > 0 && turn.every((s) => s.outcome === 'unreachable' || s.outcome === 'timeout')) add('TURN_UNREACHABLE');
    if (policy === 'relay' && !turn.some((s) => s.outcome === 'ok')) add('NO_RELAY_CANDIDATES');
    if (path === 'tcp') add('TURN_TCP_ONLY');
    if (path !== 'none' && input.connectivity.status !== 'skipped' && !input.connectivity.data.ok) {
      add('CONNECTIVITY_FAILED');
      path = 'none';
    }
  }
  const ws = input.websocket;
  if (ws?.data.outcome === 'hang') add('WS_HANG');
  if (ws?.data.outcome === 'failed') add('WS_FAILED');
  let verdict: ProbeVerdict;
  if (path === 'udp') verdict = 'webrtc';
  else if (path === 'tcp') verdict = 'webrtc-relay-tcp';
  else if (ws === undefined || ws.data.outcome === 'answered') verdict = 'websocket';
  else verdict = 'none';
  return { verdict, reasons };
}
