import { describe, expect, it } from 'vitest';
import { probe } from './probe.js';
import type { ProbeOptions } from './types.js';

/**
 * Redaction is structural: values are cleaned where they are made, never by replacing
 * text in the serialised report. A credential that equals a key or a value of the report,
 * or that holds JSON's own quote and escape characters, must not change the report.
 */

/** A peer connection that refuses to be created, quoting the credential, as a stack might. */
function refusing(): ProbeOptions['RTCPeerConnection'] {
  let built = 0;
  return function FakePeerConnection(config: RTCConfiguration) {
    const credential = config?.iceServers?.[0]?.credential;
    // the first is the capability check's: let it pass, refuse the gatherers'
    if (built++ === 0) return { close: () => undefined };
    throw new Error(`cannot create a peer connection with credential ${String(credential)}`);
  } as unknown as ProbeOptions['RTCPeerConnection'];
}

async function run(credential: string) {
  return probe({
    iceServers: [{ urls: 'turn:127.0.0.1:9?transport=udp', username: 'u', credential }],
    deadlineMs: 200,
    RTCPeerConnection: refusing(),
  });
}

describe('probe report redaction', () => {
  it.each(['verdict', 'websocket', 'checks', '"checks"', 'PEER_CONNECTION_FAILED', 'a"b\\c', '\\"},"x":{"', 'policy'])(
    'a credential %j leaves the report intact',
    async (credential) => {
      const baseline = await run('NEUTRAL-credential-1');
      const report = await run(credential);
      expect(report.verdict).toBe(baseline.verdict);
      expect(report.reasons).toEqual(baseline.reasons);
      expect(report.policy).toBe('relay');
      expect(Object.keys(report.checks)).toEqual(Object.keys(baseline.checks));
      const server = report.checks.gathering.data.servers.find((s) => s.serverIndex === 0)!;
      expect(server.url).toBe('turn:127.0.0.1:9?transport=udp');
      expect(server.errors[0]!.text).toBe('cannot create a peer connection with credential [redacted]');
    },
  );
});

describe('probe report URLs', () => {
  it.each([
    'ws://127.0.0.1:9/ws?session_token=SECRET-st-1',
    'ws://127.0.0.1:9/ws?sig=SECRET-sig&jwt=SECRET-jwt',
    'ws://bob:SECRET-pw@127.0.0.1:9/ws',
    'ws://127.0.0.1:9/ws/SECRETsessiontoken0123456789#SECRET-frag',
  ])('shows %s without any credential-bearing part', async (wsUrl) => {
    /** A socket that fails at once, quoting its URL as browsers do. */
    class FailingSocket {
      onopen: (() => void) | null = null;
      onmessage: (() => void) | null = null;
      onclose: ((e: { code: number }) => void) | null = null;
      onerror: ((e: unknown) => void) | null = null;
      constructor(readonly url: string) {
        setTimeout(() => {
          this.onerror?.(new Error(`WebSocket connection to '${url}' failed`));
          this.onclose?.({ code: 1006 });
        }, 1);
      }
      send(): void {}
      close(): void {}
    }
    const report = await probe({
      iceServers: [],
      wsUrl,
      deadlineMs: 300,
      RTCPeerConnection: undefined as unknown as ProbeOptions['RTCPeerConnection'],
      WebSocket: FailingSocket as unknown as typeof WebSocket,
    });
    const ws = report.checks.websocket!;
    expect(ws.data.url).toMatch(/^ws:\/\/127\.0\.0\.1:9\/ws/);
    expect(JSON.stringify(report)).not.toContain('SECRET');
  });
});
