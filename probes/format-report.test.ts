import { describe, expect, it } from 'vitest';
import { formatReport, REASON_TEXT } from './format-report.js';
import type { ProbeReport } from './types.js';

const report: ProbeReport = {
  verdict: 'webrtc-relay-tcp',
  reasons: ['UDP_BLOCKED', 'TURN_TCP_ONLY'],
  policy: 'relay',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 812,
  deadlineMs: 3000,
  checks: {
    capability: { name: 'capability', status: 'success', startedAtMs: 0, durationMs: 0, data: { rtcPeerConnection: true } },
    gathering: {
      name: 'ice-gathering',
      status: 'success',
      startedAtMs: 1,
      durationMs: 600,
      data: {
        policy: 'relay',
        early: false,
        servers: [
          { serverIndex: 0, url: 'turn:turn.example.com:3478?transport=udp', kind: 'turn', transport: 'udp', outcome: 'timeout', candidates: [], errors: [], durationMs: 600 },
          {
            serverIndex: 0,
            url: 'turn:turn.example.com:3478?transport=tcp',
            kind: 'turn',
            transport: 'tcp',
            outcome: 'ok',
            candidates: [{ type: 'relay', protocol: 'udp', address: '192.0.2.7', port: 50000, relayProtocol: 'tcp', atMs: 88 }],
            errors: [],
            firstUsefulMs: 88,
            durationMs: 88,
          },
          { serverIndex: 1, url: 'turn:other.example.com:3478', kind: 'turn', transport: 'udp', outcome: 'auth-failed', candidates: [], errors: [{ code: 401, text: 'Unauthorized' }], durationMs: 40 },
          { serverIndex: 2, url: 'stun:stun.example.com', kind: 'stun', transport: 'udp', outcome: 'no-srflx', candidates: [{ type: 'host', protocol: 'udp', address: '192.0.2.9', port: 4, atMs: 3 }], errors: [], durationMs: 120 },
        ],
      },
    },
    connectivity: { name: 'connectivity', status: 'success', startedAtMs: 601, durationMs: 200, data: { ok: true, via: 'tcp', rttMs: 7, setupMs: 190 } },
    websocket: { name: 'websocket', status: 'skipped', startedAtMs: 0, durationMs: 5, data: { url: 'wss://api.example.com/probe/ws', outcome: 'cancelled' } },
  },
};

describe('formatReport', () => {
  const text = formatReport(report);

  it('leads with the verdict and explains every reason code', () => {
    expect(text.split('\n')[0]).toBe('Verdict: webrtc-relay-tcp: WebRTC works, but only through TURN over TCP/TLS (expect more latency).');
    for (const code of report.reasons) expect(text).toContain(`${code}: ${REASON_TEXT[code]}`);
  });

  it('has one line per server with its outcome, timing and errors', () => {
    expect(text).toContain('FAIL turn:turn.example.com:3478?transport=udp (TURN/UDP): timeout, no candidates, 600 ms');
    expect(text).toContain('ok   turn:turn.example.com:3478?transport=tcp (TURN/TCP): ok, relay, after 88 ms');
    expect(text).toContain('(TURN/UDP): auth-failed, no candidates, 40 ms; errors: 401 Unauthorized');
    // no srflx on a NAT-less host: the server answered
    expect(text).toContain('ok   stun:stun.example.com (STUN/UDP): no-srflx, host, 120 ms');
  });

  it('shows the connectivity RTT and the WebSocket outcome', () => {
    expect(text).toContain('Connectivity check: ok via tcp relay, RTT 7 ms (setup 190 ms)');
    expect(text).toContain('WebSocket wss://api.example.com/probe/ws: cancelled');
  });

  it('has a text for every reason code', () => {
    for (const [code, line] of Object.entries(REASON_TEXT)) expect(line.length, code).toBeGreaterThan(10);
  });
});
