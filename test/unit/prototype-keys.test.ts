import { describe, expect, it } from 'vitest';
import { decodeMessage, validateInbound } from '../../src/messages/convai-messages.js';
import { describeProgress, describeTransport, reasonLabel } from '../../src/widget/transport-text.js';
import { memoryStore, readVerdict } from '../../src/negotiator/verdict-cache.js';
import { formatReport } from '../../probes/format-report.js';
import type { NegotiationReason, NegotiationResult } from '../../src/client/negotiation-types.js';
import type { ProbeReport } from '../../probes/types.js';

// Lookups keyed by text from the network or from storage must not reach Object.prototype.
const PROTO_KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('message types named like Object.prototype members', () => {
  it.each(PROTO_KEYS)('`%s` is an unknown type, passed on untouched', (type) => {
    const decoded = validateInbound({ type, data: { n: 1 } });
    expect(decoded).toEqual({ ok: true, message: { type, data: { n: 1 } } });
    expect(decodeMessage(JSON.stringify({ type, data: {} })).ok).toBe(true);
  });
});

describe('reason labels for codes named like Object.prototype members', () => {
  it.each(PROTO_KEYS)('`%s` reads as words, never as a function', (code) => {
    expect(typeof reasonLabel(code)).toBe('string');
    expect(reasonLabel(code)).not.toMatch(/function|native code|\[object/);
  });

  it('a result whose reasons hold them still describes itself', () => {
    const result: NegotiationResult = { transport: 'websocket', preference: 'auto', reasons: ['constructor', 'toString'] as unknown as NegotiationReason[], fromCache: false, timings: { connectMs: 1, totalMs: 1 } };
    expect(describeTransport(result).text).toBe('WebSocket: constructor');
    expect(describeProgress({ phase: 'verdict', transport: 'websocket', reasons: ['toString'] as unknown as NegotiationReason[], fromCache: false })).toBe('Network check: WebSocket (tostring)');
  });

  it('a non-string reason (from a tampered store) does not throw', () => {
    expect(reasonLabel(42 as unknown as string)).toBe('unknown reason');
  });

  it('formatReport explains an unknown code without reaching the prototype', () => {
    const report = { verdict: 'websocket', reasons: ['constructor'], policy: 'relay', startedAt: '', durationMs: 1, deadlineMs: 1, checks: { capability: { name: 'capability', status: 'success', startedAtMs: 0, durationMs: 0, data: { rtcPeerConnection: true } }, gathering: { name: 'ice-gathering', status: 'skipped', startedAtMs: 0, durationMs: 0, data: { policy: 'relay', servers: [], early: false } }, connectivity: { name: 'connectivity', status: 'skipped', startedAtMs: 0, durationMs: 0, data: { ok: false, via: 'none' } } } } as unknown as ProbeReport;
    expect(formatReport(report)).not.toMatch(/function|native code/);
  });
});

describe('remembered verdicts are validated entry by entry', () => {
  const now = 1_000_000;
  it.each([
    ['a number in reasons', { transport: 'websocket', reasons: ['UDP_BLOCKED', 42], storedAt: now }],
    ['an object in reasons', { transport: 'websocket', reasons: [{}], storedAt: now }],
    ['a null in reasons', { transport: 'livekit', reasons: [null], storedAt: now }],
  ])('an entry with %s is treated as absent', async (_what, entry) => {
    const store = memoryStore();
    await store.setItem('k', JSON.stringify(entry));
    expect(await readVerdict(store, 'k', 60_000, now)).toBeUndefined();
  });

  it('a valid entry is read back', async () => {
    const store = memoryStore();
    await store.setItem('k', JSON.stringify({ transport: 'websocket', reasons: ['UDP_BLOCKED'], storedAt: now }));
    expect(await readVerdict(store, 'k', 60_000, now)).toEqual({ transport: 'websocket', reasons: ['UDP_BLOCKED'], storedAt: now });
  });
});
