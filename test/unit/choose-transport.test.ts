import { describe, expect, it } from 'vitest';
import { hasTurn, hasTurnOverTcp, pickIceServers, probePolicy } from '../../src/negotiator/choose-transport.js';
import { scaledDeadline } from '../../src/negotiator/negotiate.js';
import { weigh } from '../../src/negotiator/evidence.js';

describe('choose-transport: the pure parts of how auto decides', () => {
  it('TURN over TCP: turns: or ?transport=tcp, in any entry of a list; nothing else', () => {
    expect(hasTurnOverTcp([{ urls: 'turns:turn.example.com:443?transport=tcp' }])).toBe(true);
    expect(hasTurnOverTcp([{ urls: 'turns:turn.example.com' }])).toBe(true);
    expect(hasTurnOverTcp([{ urls: ['stun:a', 'turn:a:3478?transport=udp'] }, { urls: 'TURN:b:3478?transport=TCP' }])).toBe(true);
    expect(hasTurnOverTcp([{ urls: ['turn:a:3478?transport=udp', 'turn:a:3478'] }])).toBe(false);
    // a STUN URL cannot relay, whatever its query says
    expect(hasTurnOverTcp([{ urls: 'stun:a:3478?transport=tcp' }])).toBe(false);
    expect(hasTurnOverTcp([{ urls: 'turn:a:3478?transport=tcpx' }])).toBe(false);
    expect(hasTurnOverTcp([])).toBe(false);
  });

  it('which servers the probe tests: the app first, then /connect, else none yet (never a public list)', () => {
    const app = [{ urls: 'turn:app' }];
    const backend = [{ urls: 'turn:backend' }];
    expect(pickIceServers(app, backend)).toEqual({ servers: app, source: 'config' });
    expect(pickIceServers([], backend)).toEqual({ servers: backend, source: 'backend' });
    expect(pickIceServers(undefined, [])).toBeUndefined();
  });

  it('the probe policy follows the session, except that STUN alone needs all', () => {
    expect(hasTurn([{ urls: 'stun:a' }])).toBe(false);
    expect(probePolicy([{ urls: 'turn:a' }], 'relay')).toBe('relay');
    expect(probePolicy([{ urls: 'stun:a' }], 'relay')).toBe('all');
  });

  it('the deadline scales with /connect, within [300 ms, the cap]; evidence weighs answers over silence', () => {
    expect(scaledDeadline(1000, 10)).toBe(300);
    expect(scaledDeadline(1000, 40)).toBe(400);
    expect(scaledDeadline(1000, 60)).toBe(600);
    expect(scaledDeadline(1000, 500)).toBe(1000);
    expect(weigh({ verdict: 'webrtc-relay-tcp', reasons: [] })).toBe('positive');
    expect(weigh({ verdict: 'websocket', reasons: ['TURN_AUTH_FAILED'] })).toBe('conclusive-negative');
    expect(weigh({ verdict: 'websocket', reasons: ['UDP_BLOCKED'], conclusive: false })).toBe('provisional-negative');
    expect(weigh({ verdict: 'none', reasons: ['ABORTED'] })).toBe('provisional-negative');
  });
});
