import { describe, expect, it } from 'vitest';
import { isConfigError } from '../src/errors/config-error.js';
import { parseIceUrl } from './ice-url.js';
import { probe } from './probe.js';
import type { ProbeOptions } from './types.js';
import { resolveProbeOptions } from './validate.js';

const turn = { urls: 'turn:127.0.0.1:3478?transport=udp', username: 'u', credential: 'secret-pw' };

function fieldOf(options: unknown): string | undefined {
  try {
    resolveProbeOptions(options as ProbeOptions);
    return undefined;
  } catch (error) {
    if (!isConfigError(error)) throw error;
    return error.field;
  }
}

describe('resolveProbeOptions', () => {
  it('splits every URL of every server into its own target, with defaults', () => {
    const resolved = resolveProbeOptions({ iceServers: [{ urls: 'stun:127.0.0.1' }, { ...turn, urls: [turn.urls, 'turns:example.com'] }] });
    expect(resolved.targets.map((t) => [t.serverIndex, t.parsed.scheme, t.parsed.port, t.parsed.transport])).toEqual([
      [0, 'stun', 3478, 'udp'],
      [1, 'turn', 3478, 'udp'],
      [1, 'turns', 5349, 'tls'],
    ]);
    expect(resolved.policy).toBe('relay');
    expect(resolved.deadlineMs).toBe(3000);
    expect(resolved.secrets).toEqual(['secret-pw']);
  });

  it('names the field of each bad input', () => {
    expect(fieldOf({ iceServers: 'stun:x' })).toBe('iceServers');
    expect(fieldOf({ iceServers: [{ urls: 'stun:ok' }, { urls: 'http://x' }] })).toBe('iceServers[1].urls');
    expect(fieldOf({ iceServers: [{ urls: ['stun:ok', 'turn:h:99999'], username: 'u', credential: 'p' }] })).toBe('iceServers[0].urls[1]');
    expect(fieldOf({ iceServers: [{ urls: 'turn:h:3478?transport=sctp', username: 'u', credential: 'p' }] })).toBe('iceServers[0].urls');
    expect(fieldOf({ iceServers: [{ urls: 'stun:h?transport=udp' }] })).toBe('iceServers[0].urls');
    expect(fieldOf({ iceServers: [{ urls: 'turn:h:3478' }] })).toBe('iceServers[0].credential');
    expect(fieldOf({ iceServers: [], deadlineMs: -1 })).toBe('deadlineMs');
    expect(fieldOf({ iceServers: [], deadlineMs: 1.5 })).toBe('deadlineMs');
    expect(fieldOf({ iceServers: [], iceTransportPolicy: 'none' })).toBe('iceTransportPolicy');
    expect(fieldOf({ iceServers: [], wsUrl: 'http://x' })).toBe('wsUrl');
    expect(fieldOf({ iceServers: [], connectivityCheck: 'yes' })).toBe('connectivityCheck');
    expect(fieldOf({ iceServers: [], hostCandidates: 0 })).toBe('hostCandidates');
    expect(fieldOf({ iceServers: [], RTCPeerConnection: {} })).toBe('RTCPeerConnection');
  });

  it('never puts a credential in an error message', () => {
    try {
      resolveProbeOptions({ iceServers: [{ urls: 'turn:h:0', username: 'u', credential: 'secret-pw' }] });
      expect.unreachable();
    } catch (error) {
      expect(isConfigError(error) && error.field).toBe('iceServers[0].urls');
      expect(String((error as Error).message)).not.toContain('secret-pw');
    }
  });
});

describe('parseIceUrl', () => {
  it('reads IPv6 hosts, ports and transports (RFC 7064, 7065)', () => {
    expect(parseIceUrl('turn:[::1]:3479?transport=tcp', 'f')).toEqual({ scheme: 'turn', host: '::1', port: 3479, transport: 'tcp' });
    expect(parseIceUrl('TURNS:example.com?transport=tcp', 'f')).toEqual({ scheme: 'turns', host: 'example.com', port: 5349, transport: 'tls' });
    expect(parseIceUrl('stun:example.com:19302', 'f').transport).toBe('udp');
  });
});

describe('probe() on bad input', () => {
  it('rejects with a ConfigError before constructing any peer connection or socket', async () => {
    let constructed = 0;
    const Counting = function () {
      constructed += 1;
      throw new Error('must not be called');
    } as unknown as typeof RTCPeerConnection;
    const error = await probe({ iceServers: [{ urls: 'turn:h:3478' }], RTCPeerConnection: Counting, WebSocket: Counting as unknown as typeof WebSocket, wsUrl: 'ws://127.0.0.1:1/' }).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect((error as { field: string }).field).toBe('iceServers[0].credential');
    expect(constructed).toBe(0);
  });
});
