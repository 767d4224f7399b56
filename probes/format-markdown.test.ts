import { describe, expect, it } from 'vitest';
import { formatMarkdown } from './format-markdown.js';
import type { ProbeReport } from './types.js';

const report: ProbeReport = {
  verdict: 'websocket',
  reasons: ['TURN_AUTH_FAILED', 'NO_RELAY_CANDIDATES'],
  policy: 'relay',
  startedAt: '2026-11-30T20:00:00.000Z',
  durationMs: 150,
  deadlineMs: 3000,
  checks: {
    capability: { name: 'capability', status: 'success', startedAtMs: 0, durationMs: 0, data: { rtcPeerConnection: true } },
    gathering: {
      name: 'ice-gathering', status: 'failed', startedAtMs: 1, durationMs: 140,
      data: { policy: 'relay', early: false, servers: [{ serverIndex: 0, url: 'turn:t.example.com:3478?transport=udp', kind: 'turn', transport: 'udp', outcome: 'auth-failed', candidates: [], errors: [{ code: 401, text: 'Unauthorized | bad' }], durationMs: 90 }] },
    },
    connectivity: { name: 'connectivity', status: 'skipped', startedAtMs: 141, durationMs: 0, data: { ok: false, via: 'none' } },
    websocket: { name: 'websocket', status: 'success', startedAtMs: 0, durationMs: 30, data: { url: 'wss://api.example.com/probe/ws', outcome: 'answered', answerMs: 20 } },
  },
};

describe('formatMarkdown', () => {
  it('verdict and advice, reasons, a table row per server (pipes escaped), the text report folded', () => {
    const md = formatMarkdown(report);
    expect(md.split('\n').slice(0, 3)).toEqual([
      '### Network check: `websocket`',
      '',
      "**The TURN server rejected the credentials (401): turn:t.example.com:3478?transport=udp.** This is a setup problem, not your network: the app\u2019s TURN username or credential is wrong or has expired. Tell the app\u2019s support team. Voice will use the WebSocket transport meanwhile (it answered in this check).",
    ]);
    expect(md).toContain('- Reasons: `TURN_AUTH_FAILED`, `NO_RELAY_CANDIDATES`');
    expect(md).toContain('| `turn:t.example.com:3478?transport=udp` | TURN/UDP | auth-failed | – | 90 ms | 401 Unauthorized \\| bad |');
    expect(md).toContain('- WebSocket `wss://api.example.com/probe/ws`: answered');
    expect(md).toMatch(/<details><summary>Text report<\/summary>\n\n```text\nVerdict: websocket/);
  });
});
