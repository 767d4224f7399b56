import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProbeReasonCode, ProbeReport, ProbeVerdict, ServerResult } from '../../probes/types.js';
import { adviseOnReport, adviceText } from '../../probes/advice.js';
import { reportFileName } from './report-export.js';
import { buildShareLink, readShareLink } from './share-link.js';
import { timelineFromEvents, timelineFromReport } from './timeline-model.js';
import { tickStep } from './timeline-svg.js';

const server = (over: Partial<ServerResult>): ServerResult => ({
  serverIndex: 0,
  url: 'turn:turn.example.com:3478?transport=udp',
  kind: 'turn',
  transport: 'udp',
  outcome: 'ok',
  candidates: [],
  errors: [],
  durationMs: 100,
  ...over,
});

function report(verdict: ProbeVerdict, reasons: ProbeReasonCode[], servers: ServerResult[] = [], ws?: 'answered' | 'failed'): ProbeReport {
  return {
    verdict,
    reasons,
    policy: 'relay',
    startedAt: '2026-11-30T20:15:02.123Z',
    durationMs: 900,
    deadlineMs: 3000,
    checks: {
      capability: { name: 'capability', status: 'success', startedAtMs: 0, durationMs: 1, data: { rtcPeerConnection: true } },
      gathering: { name: 'ice-gathering', status: 'success', startedAtMs: 5, durationMs: 600, data: { policy: 'relay', early: false, servers } },
      connectivity: { name: 'connectivity', status: 'success', startedAtMs: 610, durationMs: 200, data: { ok: true, via: 'udp', rttMs: 3 } },
      ...(ws ? { websocket: { name: 'websocket' as const, status: 'success' as const, startedAtMs: 0, durationMs: 50, data: { url: 'wss://x/probe/ws', outcome: ws, openMs: 10, answerMs: 20 } } } : {}),
    },
  };
}

describe('adviseOnReport: the verdict in plain words', () => {
  it('UDP blocked: ask IT, and voice goes over WebSocket meanwhile', () => {
    const a = adviseOnReport(report('websocket', ['UDP_BLOCKED', 'TURN_UNREACHABLE', 'NO_RELAY_CANDIDATES']));
    expect(a.tone).toBe('poor');
    expect(adviceText(a)).toBe(
      'UDP is blocked. Ask IT to allow UDP to the TURN server, or TURN over TCP/TLS on port 443. Voice will use the WebSocket transport meanwhile.',
    );
  });

  it('TURN 401 names the server and says it is a setup problem, not the network', () => {
    const a = adviseOnReport(report('websocket', ['TURN_AUTH_FAILED', 'NO_RELAY_CANDIDATES'], [server({ outcome: 'auth-failed' })], 'answered'));
    expect(a.headline).toBe('The TURN server rejected the credentials (401): turn:turn.example.com:3478?transport=udp.');
    expect(a.actions[0]).toContain('not your network');
    expect(a.consequence).toContain('it answered in this check');
  });

  it('healthy needs nothing; TCP only is fair; nothing works is bad; cancelled says so', () => {
    expect(adviseOnReport(report('webrtc', []))).toMatchObject({ tone: 'good', actions: [] });
    expect(adviseOnReport(report('webrtc-relay-tcp', ['UDP_BLOCKED', 'TURN_TCP_ONLY'])).tone).toBe('fair');
    const none = adviseOnReport(report('none', ['UDP_BLOCKED', 'WS_FAILED'], [], 'failed'));
    expect(none.tone).toBe('bad');
    expect(none.consequence).toContain('cannot connect at all');
    expect(none.actions.some((x) => x.includes('WebSocket (wss)'))).toBe(true);
    expect(adviseOnReport(report('none', ['ABORTED'])).headline).toContain('cancelled');
  });

  it('WebRTC works but a configured server failed: still good, with a note for the support team', () => {
    const a = adviseOnReport(report('webrtc', [], [server({}), server({ url: 'turn:dead.example.com:3478?transport=udp', outcome: 'timeout' }), server({ kind: 'host', url: 'host', outcome: 'timeout' })]));
    expect(a.tone).toBe('good');
    expect(a.actions).toEqual(['Voice does not need it now, but tell the app\u2019s support team: turn:dead.example.com:3478?transport=udp did not answer in time.']);
  });

  it('every reason code gets a headline that is not the generic one, except those that only follow another', () => {
    const followers = new Set(['STUN_TIMEOUT', 'TURN_TCP_ONLY', 'WS_HANG', 'WS_FAILED', 'ABORTED']);
    const codes: ProbeReasonCode[] = ['NO_RTCPEERCONNECTION', 'PEER_CONNECTION_FAILED', 'NO_ICE_SERVERS', 'TURN_AUTH_FAILED', 'UDP_BLOCKED', 'TURN_UNREACHABLE', 'CONNECTIVITY_FAILED', 'NO_RELAY_CANDIDATES'];
    for (const code of codes) {
      expect(followers.has(code)).toBe(false);
      expect(adviseOnReport(report('websocket', [code])).headline, code).not.toBe('WebRTC is not usable on this network.');
    }
  });
});

describe('shareable link: the settings, never a credential', () => {
  it('round-trips URLs, WebSocket path, deadline and policy', () => {
    const link = buildShareLink('https://app.example.com/support?session=abc#x', {
      iceUrls: ['stun:stun.example.com', 'turn:turn.example.com:443?transport=tcp', 'turns:turn.example.com'],
      wsUrl: 'wss://user:pw@api.example.com/probe/ws?token=SECRET',
      deadlineMs: 5000,
      policy: 'all',
    });
    expect(link).not.toMatch(/session|SECRET|pw@|#x/);
    expect(readShareLink(new URL(link).search)).toEqual({
      iceUrls: ['stun:stun.example.com:3478', 'turn:turn.example.com:443?transport=tcp', 'turns:turn.example.com:5349'],
      wsUrl: 'wss://api.example.com/probe/ws',
      deadlineMs: 5000,
      policy: 'all',
    });
  });

  it('reading a link takes the URL only, even from the old url,user,cred form; bad values are dropped', () => {
    const s = readShareLink('?ice=turn:t.example.com:3478?transport=udp,alice,hunter22&ice=nonsense&ws=http://x&deadline=-4&policy=none');
    expect(s).toEqual({ iceUrls: ['turn:t.example.com:3478?transport=udp'] });
  });

  it('no generated secret survives into a link (property)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{8,20}$/).map((s) => `S3cr3t${s}`);
    fc.assert(
      fc.property(secret, fc.constantFrom('udp', 'tcp'), (pw, transport) => {
        const link = buildShareLink('https://a.example/p', {
          iceUrls: [`turn:${pw}@turn.example.com:3478?transport=${transport}`, `turn:turn.example.com:3478?transport=${transport}`],
          wsUrl: `wss://api.example.com/ws?access_token=${pw}&credential=${pw}`,
        });
        expect(link).not.toContain(pw);
      }),
      { numRuns: 200 },
    );
  });
});

describe('timeline model', () => {
  it('a lane per server, candidates at gathering start + their time, errors and the outcome at the end', () => {
    const m = timelineFromReport(
      report('webrtc', [], [
        server({ candidates: [{ type: 'relay', protocol: 'udp', address: '192.0.2.1', port: 1, atMs: 40 }] }),
        server({ url: 'turn:turn.example.com:3478?transport=tcp', transport: 'tcp', outcome: 'auth-failed', errors: [{ code: 401, text: 'Unauthorized' }], durationMs: 80 }),
      ]),
    );
    expect(m.lanes.map((l) => l.label)).toEqual(['TURN/UDP turn.example.com:3478', 'TURN/TCP turn.example.com:3478', 'Connectivity check']);
    expect(m.lanes[0]!.marks[0]).toMatchObject({ atMs: 45, kind: 'candidate', tone: 'relay' });
    expect(m.lanes[1]!.marks.find((x) => x.kind === 'error')).toMatchObject({ atMs: 85, label: 'error 401 Unauthorized' });
    expect(m.lanes[1]!.tone).toBe('bad');
    expect(m.spanMs).toBe(900);
  });

  it('live: a lane per configured URL before anything arrives; candidates and settled servers as they come', () => {
    const urls = ['stun:s.example.com:3478', 'turn:t.example.com:3478?transport=udp'];
    expect(timelineFromEvents(urls, [], 100).lanes.map((l) => l.tone)).toEqual(['busy', 'busy']);
    const m = timelineFromEvents(
      urls,
      [
        { type: 'check', check: 'ice-gathering', status: 'running', elapsedMs: 3 },
        { type: 'candidate', url: urls[1]!, candidate: { type: 'relay', protocol: 'udp', address: 'x', port: 1, atMs: 50 }, elapsedMs: 53 },
        { type: 'server', result: server({ url: urls[1]! }), elapsedMs: 60 },
      ],
      200,
    );
    expect(m.lanes[1]).toMatchObject({ startMs: 3, endMs: 60, tone: 'ok' });
    expect(m.lanes[0]!.endMs).toBeUndefined();
  });

  it('ticks are round numbers, at most about as many as asked', () => {
    expect(tickStep(900, 8)).toBe(200);
    expect(tickStep(3000, 6)).toBe(500);
    expect(tickStep(40, 4)).toBe(10);
  });

  it('the download name is sortable and has no colon', () => {
    expect(reportFileName(report('webrtc', []))).toBe('convai-network-check-2026-11-30T20-15-02Z.json');
  });
});
