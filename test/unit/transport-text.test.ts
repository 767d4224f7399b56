import { describe, expect, it } from 'vitest';
import { REASON_LABELS, describeProgress, describeTransport, reasonLabel } from '../../src/widget/transport-text.js';
import type { NegotiationResult } from '../../src/client/negotiation-types.js';
import { REASON_TEXT } from '../../probes/format-report.js';

const result = (over: Partial<NegotiationResult>): NegotiationResult => ({
  transport: 'livekit',
  preference: 'auto',
  reasons: [],
  fromCache: false,
  timings: { connectMs: 1, totalMs: 1 },
  ...over,
});

describe('reason labels', () => {
  it('has a short label for every probe reason code', () => {
    for (const code of Object.keys(REASON_TEXT)) {
      expect(REASON_LABELS, code).toHaveProperty(code);
      expect(reasonLabel(code)).not.toMatch(/_/);
    }
  });

  it('turns an unknown code into words instead of dropping it', () => {
    expect(reasonLabel('SOME_NEW_CODE')).toBe('some new code');
  });
});

describe('describeTransport', () => {
  it('WebSocket after a failed probe: the cause heads the line, the consequences follow', () => {
    const d = describeTransport(
      result({ transport: 'websocket', reasons: ['UDP_BLOCKED', 'TURN_UNREACHABLE', 'NO_RELAY_CANDIDATES'] }),
    );
    expect(d.text).toBe('WebSocket: UDP blocked');
    expect(d.moreReasons).toEqual(['TURN server unreachable', 'no TURN relay available']);
  });

  it('WebRTC after a clean probe, and a forced transport', () => {
    expect(describeTransport(result({})).text).toBe('WebRTC: network check passed');
    expect(describeTransport(result({ transport: 'websocket', preference: 'websocket', reasons: ['FORCED'] })).text).toBe(
      'WebSocket: chosen by the app',
    );
  });

  it('a remembered verdict names its cause first, then says it was remembered', () => {
    const d = describeTransport(result({ transport: 'websocket', reasons: ['CACHED_VERDICT', 'UDP_BLOCKED'], fromCache: true }));
    expect(d.text).toBe('WebSocket: UDP blocked (remembered from an earlier check)');
    expect(describeTransport(result({ reasons: ['CACHED_VERDICT'] })).text).toBe(
      'WebRTC: network check passed (remembered from an earlier check)',
    );
  });

  it('a LiveKit connect failure after a good probe', () => {
    const d = describeTransport(result({ transport: 'websocket', reasons: ['LIVEKIT_CONNECT_FAILED'] }));
    expect(d.text).toBe('WebSocket: WebRTC connect failed');
  });
});

describe('describeProgress', () => {
  it('says what the negotiator is doing', () => {
    expect(describeProgress({ phase: 'probing', iceServerSource: 'backend' })).toBe('Checking the network…');
    expect(describeProgress({ phase: 'loading-fallback' })).toBe('Loading the WebSocket transport…');
    expect(describeProgress({ phase: 'connecting', transport: 'livekit' })).toBe('Connecting over WebRTC…');
    expect(describeProgress({ phase: 'verdict', transport: 'websocket', reasons: ['UDP_BLOCKED'], fromCache: false })).toBe(
      'Network check: WebSocket (UDP blocked)',
    );
  });
});
