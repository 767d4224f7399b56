import { describe, expect, it } from 'vitest';
import type { ProbeReport } from '../types.js';
import { colourReport, createProgressDisplay, renderOutput, useColour, useLiveDisplay } from './cli-output.js';

const report: ProbeReport = {
  verdict: 'websocket',
  reasons: ['UDP_BLOCKED', 'TURN_UNREACHABLE', 'NO_RELAY_CANDIDATES'],
  policy: 'relay',
  startedAt: '2026-11-30T20:00:00.000Z',
  durationMs: 900,
  deadlineMs: 1500,
  checks: {
    capability: { name: 'capability', status: 'success', startedAtMs: 0, durationMs: 0, data: { rtcPeerConnection: true } },
    gathering: {
      name: 'ice-gathering', status: 'failed', startedAtMs: 1, durationMs: 899,
      data: { policy: 'relay', early: false, servers: [{ serverIndex: 0, url: 'turn:t.example.com:3478?transport=udp', kind: 'turn', transport: 'udp', outcome: 'timeout', candidates: [], errors: [], durationMs: 899 }] },
    },
    connectivity: { name: 'connectivity', status: 'skipped', startedAtMs: 900, durationMs: 0, data: { ok: false, via: 'none' } },
  },
};

const sink = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { isTTY, write: (t: string) => chunks.push(t), text: () => chunks.join('') };
};

describe('CLI output', () => {
  it('colour on a terminal only; NO_COLOR and TERM=dumb win; FORCE_COLOR forces', () => {
    expect(useColour({ isTTY: true, write: () => 0 }, {})).toBe(true);
    expect(useColour({ isTTY: false, write: () => 0 }, {})).toBe(false);
    expect(useColour({ isTTY: true, write: () => 0 }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: true, write: () => 0 }, { TERM: 'dumb' })).toBe(false);
    expect(useColour({ isTTY: false, write: () => 0 }, { FORCE_COLOR: '1' })).toBe(true);
    expect(useLiveDisplay({ isTTY: true, write: () => 0 }, { CI: 'true' })).toBe(false);
  });

  it('plain progress prints the given line per event, nothing else', () => {
    const out = sink(false);
    const d = createProgressDisplay(out, { live: false, colour: false, withWebSocket: false, plainLine: (e) => `line ${e.type}` });
    d.update({ type: 'check', check: 'capability', status: 'running', elapsedMs: 0 });
    d.done();
    expect(out.text()).toBe('line check\n');
  });

  it('live progress redraws the same block in place and restores the cursor', () => {
    const out = sink(true);
    const d = createProgressDisplay(out, { live: true, colour: false, withWebSocket: false, plainLine: () => 'never' });
    d.update({ type: 'check', check: 'ice-gathering', status: 'running', elapsedMs: 1 });
    d.update({ type: 'candidate', url: 'u', candidate: { type: 'relay', protocol: 'udp', address: 'a', port: 1, atMs: 5 }, elapsedMs: 6 });
    d.update({ type: 'server', result: report.checks.gathering.data.servers[0]!, elapsedMs: 9 });
    d.update({ type: 'check', check: 'ice-gathering', status: 'success', elapsedMs: 10 });
    d.done();
    const text = out.text();
    expect(text.startsWith('\u001b[?25l')).toBe(true);
    expect(text.endsWith('\u001b[?25h')).toBe(true);
    expect(text).toContain('\u001b[3A');
    expect(text).toContain('✔ STUN/TURN servers');
    expect(text).toContain('success, 1 settled, 1 candidate');
    expect(text).not.toContain('never');
  });

  it('summary: red verdict and advice on a terminal; plain formatReport when piped; JSON unchanged', () => {
    const coloured = colourReport(report, true);
    expect(coloured).toContain('\u001b[1m\u001b[31mVerdict: websocket');
    expect(coloured).toContain('Ask IT to allow UDP to the TURN server');
    expect(renderOutput(report, 'text', false)).toMatch(/^Verdict: websocket: WebRTC is not usable here/);
    expect(renderOutput(report, 'text', false)).not.toContain('\u001b[');
    expect(JSON.parse(renderOutput(report, 'json', true))).toEqual(report);
    expect(renderOutput(report, 'markdown', true)).toContain('**UDP is blocked.** Ask IT');
  });
});
