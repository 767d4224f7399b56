import { describe, expect, it } from 'vitest';
import type { CheckResult, ConnectivityData, GatheringData, ServerOutcome, ServerResult, ServerTransport, WebSocketData } from './types.js';
import { bestClass, decideVerdict, type VerdictInput } from './verdict.js';

function server(kind: ServerResult['kind'], transport: ServerTransport, outcome: ServerOutcome, extra: Partial<ServerResult> = {}): ServerResult {
  const type = kind === 'turn' ? 'relay' : kind === 'stun' ? 'srflx' : 'host';
  return {
    serverIndex: 0,
    url: `${kind}:example:3478`,
    kind,
    transport,
    outcome,
    candidates: outcome === 'ok' ? [{ type, protocol: 'udp', address: '192.0.2.1', port: 1, atMs: 5 }] : [],
    errors: [],
    durationMs: 10,
    ...extra,
  };
}

function check<T>(name: CheckResult<T>['name'], data: T, status: CheckResult<T>['status'] = 'success'): CheckResult<T> {
  return { name, status, startedAtMs: 0, durationMs: 1, data };
}

function input(servers: ServerResult[], options: { policy?: 'relay' | 'all'; connectivity?: boolean | 'skipped'; ws?: WebSocketData['outcome']; aborted?: boolean; rtc?: boolean } = {}): VerdictInput {
  const connectivity: CheckResult<ConnectivityData> =
    options.connectivity === 'skipped' || options.connectivity === undefined
      ? check('connectivity', { ok: false, via: 'none' }, 'skipped')
      : check('connectivity', { ok: options.connectivity, via: 'udp' }, options.connectivity ? 'success' : 'failed');
  return {
    aborted: options.aborted ?? false,
    capability: check('capability', { rtcPeerConnection: options.rtc ?? true }),
    gathering: check<GatheringData>('ice-gathering', { policy: options.policy ?? 'relay', servers, early: false }),
    connectivity,
    ...(options.ws ? { websocket: check<WebSocketData>('websocket', { url: 'ws://x', outcome: options.ws }) } : {}),
  };
}

describe('decideVerdict', () => {
  it('a peer connection the browser refused is PEER_CONNECTION_FAILED, not NO_ICE_SERVERS nor UDP_BLOCKED', () => {
    const result = decideVerdict(input([server('turn', 'udp', 'peer-failed'), server('turn', 'tcp', 'peer-failed')]));
    expect(result.verdict).toBe('websocket');
    expect(result.reasons).toContain('PEER_CONNECTION_FAILED');
    expect(result.reasons).not.toContain('NO_ICE_SERVERS');
    expect(result.reasons).not.toContain('UDP_BLOCKED');
  });

  it('an empty server list (gathering never ran) is not NO_ICE_SERVERS', () => {
    expect(decideVerdict(input([])).reasons).not.toContain('NO_ICE_SERVERS');
  });

  it('says webrtc when a UDP relay works and the connectivity check passes', () => {
    const result = decideVerdict(input([server('turn', 'udp', 'ok'), server('turn', 'tcp', 'ok')], { connectivity: true }));
    expect(result).toEqual({ verdict: 'webrtc', reasons: [] });
  });

  it('says webrtc-relay-tcp when only TURN over TCP or TLS works', () => {
    for (const transport of ['tcp', 'tls'] as const) {
      const result = decideVerdict(input([server('turn', 'udp', 'timeout'), server('turn', transport, 'ok')], { connectivity: true }));
      expect(result.verdict).toBe('webrtc-relay-tcp');
      expect(result.reasons).toContain('TURN_TCP_ONLY');
      expect(result.reasons).toContain('UDP_BLOCKED');
    }
  });

  it('ignores srflx under policy relay, counts it under policy all', () => {
    const servers = [server('stun', 'udp', 'ok'), server('turn', 'udp', 'timeout')];
    expect(decideVerdict(input(servers, { policy: 'relay' })).verdict).toBe('websocket');
    expect(decideVerdict(input(servers, { policy: 'relay' })).reasons).toContain('NO_RELAY_CANDIDATES');
    expect(decideVerdict(input(servers, { policy: 'all', connectivity: true })).verdict).toBe('webrtc');
  });

  it('counts host candidates under policy all only once gathering is over', () => {
    const servers = [server('host', 'udp', 'ok')];
    expect(bestClass(servers, 'all', false)).toBe('none');
    expect(bestClass(servers, 'all', true)).toBe('udp');
    expect(bestClass(servers, 'relay', true)).toBe('none');
  });

  it('reports UDP_BLOCKED and falls back to websocket when no UDP server answered', () => {
    const result = decideVerdict(input([server('host', 'udp', 'no-candidates'), server('stun', 'udp', 'no-candidates'), server('turn', 'udp', 'no-candidates')]));
    expect(result.verdict).toBe('websocket');
    expect(result.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'NO_RELAY_CANDIDATES']));
  });

  it('takes a srflx deduplicated by libwebrtc (no NAT) as a STUN answer under policy all', () => {
    const result = decideVerdict(input([server('stun', 'udp', 'no-srflx')], { policy: 'all', connectivity: true }));
    expect(result).toEqual({ verdict: 'webrtc', reasons: [] });
  });

  it('under policy all, host candidates do not prove UDP when the configured servers were silent', () => {
    const result = decideVerdict(input([server('host', 'udp', 'ok'), server('stun', 'udp', 'timeout')], { policy: 'all' }));
    expect(result.verdict).toBe('websocket');
    expect(result.reasons).toEqual(expect.arrayContaining(['UDP_BLOCKED', 'STUN_TIMEOUT']));
  });

  it('does not call UDP blocked when a TURN/UDP server answered 401', () => {
    const result = decideVerdict(input([server('turn', 'udp', 'auth-failed'), server('turn', 'tcp', 'auth-failed')]));
    expect(result.reasons).toContain('TURN_AUTH_FAILED');
    expect(result.reasons).not.toContain('UDP_BLOCKED');
    expect(result.verdict).toBe('websocket');
  });

  it('names STUN_TIMEOUT and TURN_UNREACHABLE', () => {
    const result = decideVerdict(input([server('stun', 'udp', 'timeout'), server('turn', 'tcp', 'unreachable')]));
    expect(result.reasons).toEqual(expect.arrayContaining(['STUN_TIMEOUT', 'TURN_UNREACHABLE', 'UDP_BLOCKED']));
  });

  it('turns a failed connectivity check into CONNECTIVITY_FAILED and no WebRTC', () => {
    const result = decideVerdict(input([server('turn', 'udp', 'ok')], { connectivity: false }));
    expect(result.verdict).toBe('websocket');
    expect(result.reasons).toContain('CONNECTIVITY_FAILED');
  });

  it('trusts gathering alone when the connectivity check was not asked for', () => {
    expect(decideVerdict(input([server('turn', 'udp', 'ok')], { connectivity: 'skipped' })).verdict).toBe('webrtc');
  });

  it('gives none when WebRTC is unusable and the WebSocket hangs or fails', () => {
    const hang = decideVerdict(input([server('turn', 'udp', 'timeout')], { ws: 'hang' }));
    expect(hang.verdict).toBe('none');
    expect(hang.reasons).toContain('WS_HANG');
    const failed = decideVerdict(input([], { rtc: false, ws: 'failed' }));
    expect(failed).toEqual({ verdict: 'none', reasons: ['NO_RTCPEERCONNECTION', 'WS_FAILED'] });
  });

  it('gives websocket without RTCPeerConnection when the socket answers', () => {
    expect(decideVerdict(input([], { rtc: false, ws: 'answered' }))).toEqual({ verdict: 'websocket', reasons: ['NO_RTCPEERCONNECTION'] });
  });

  it('keeps webrtc when WebRTC works even if the WebSocket failed, and says so', () => {
    const result = decideVerdict(input([server('turn', 'udp', 'ok')], { connectivity: true, ws: 'failed' }));
    expect(result).toEqual({ verdict: 'webrtc', reasons: ['WS_FAILED'] });
  });

  it('gives none with ABORTED when aborted, whatever was found', () => {
    const result = decideVerdict(input([server('turn', 'udp', 'ok')], { connectivity: true, aborted: true }));
    expect(result).toEqual({ verdict: 'none', reasons: ['ABORTED'] });
  });

  it('says NO_ICE_SERVERS when only the host gatherer ran', () => {
    expect(decideVerdict(input([server('host', 'udp', 'ok')])).reasons).toEqual(expect.arrayContaining(['NO_ICE_SERVERS', 'NO_RELAY_CANDIDATES']));
  });
});
