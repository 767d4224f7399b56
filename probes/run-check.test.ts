import { describe, expect, it } from 'vitest';
import { parseCandidate } from './candidate.js';
import { runCheck, type RunCheckOptions } from './run-check.js';
import type { ProbeProgressEvent } from './types.js';

function options(signal: AbortSignal, events: ProbeProgressEvent[], timeoutMs = 10_000): RunCheckOptions {
  return { name: 'connectivity', signal, timeoutMs, probeStart: Date.now(), emit: (e) => events.push(e), redact: (t) => t.split('s3cret').join('[redacted]') };
}

describe('runCheck', () => {
  it('runs every cleanup and reports failed, redacted, when the check throws', async () => {
    const events: ProbeProgressEvent[] = [];
    const closed: string[] = [];
    const result = await runCheck({ ...options(new AbortController().signal, events), fallback: () => 'fallback' }, (ctx) => {
      ctx.defer(() => closed.push('first'));
      ctx.defer(() => {
        closed.push('second');
        throw new Error('close failed');
      });
      throw new Error('boom with s3cret');
    });
    expect(result).toMatchObject({ status: 'failed', data: 'fallback', error: 'boom with [redacted]' });
    expect(closed).toEqual(['second', 'first']);
    expect(events.map((e) => (e.type === 'check' ? e.status : e.type))).toEqual(['running', 'failed']);
  });

  it('fires its signal at the deadline and reports what the check returned then', async () => {
    const result = await runCheck({ ...options(new AbortController().signal, [], 20), fallback: () => 0 }, async (ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      return { ok: false, data: ctx.timedOut() ? 1 : 2 };
    });
    expect(result).toMatchObject({ status: 'failed', data: 1 });
  });

  it('reports aborted when the probe signal fired', async () => {
    const controller = new AbortController();
    const result = await runCheck({ ...options(controller.signal, []), fallback: () => 0 }, async (ctx) => {
      controller.abort();
      return { ok: false, data: ctx.timedOut() ? 1 : 2 };
    });
    expect(result).toMatchObject({ status: 'aborted', data: 2 });
  });
});

describe('parseCandidate', () => {
  it('reads type, protocol, address and port from the candidate line (RFC 8839)', () => {
    expect(parseCandidate('candidate:1 1 udp 16777215 192.0.2.5 50000 typ relay raddr 0.0.0.0 rport 0', 12, 'tcp')).toEqual({
      type: 'relay',
      protocol: 'udp',
      address: '192.0.2.5',
      port: 50000,
      relayProtocol: 'tcp',
      atMs: 12,
    });
    expect(parseCandidate('a=candidate:2 1 TCP 1518280447 192.0.2.6 9 typ host tcptype active', 1)).toMatchObject({ type: 'host', protocol: 'tcp' });
    expect(parseCandidate('', 1)).toBeUndefined();
    expect(parseCandidate('candidate:3 1 udp 1 192.0.2.7 1 typ weird', 1)).toBeUndefined();
  });
});
