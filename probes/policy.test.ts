import { describe, expect, it } from 'vitest';
import { probePolicy } from '../src/negotiator/choose-transport.js';
import { parseIceServerSpec } from './ice-server-spec.js';
import { policyFor } from './policy.js';

describe('policyFor picks the probe policy as the negotiator does', () => {
  const cases: RTCIceServer[][] = [
    [],
    [{ urls: 'stun:127.0.0.1:3478' }],
    [{ urls: ['stun:127.0.0.1:3478', 'stun:127.0.0.1:3479'] }],
    [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'c' }],
    [{ urls: 'stun:127.0.0.1' }, { urls: ['TURNS:127.0.0.1:5349'], username: 'u', credential: 'c' }],
  ];
  it.each(cases)('%j', (...servers) => {
    for (const session of ['relay', 'all'] as const) {
      expect(policyFor(servers, session)).toBe(probePolicy(servers, session));
    }
  });
});

describe('parseIceServerSpec splits on the first two commas only', () => {
  it.each([
    ['stun:h', { urls: 'stun:h' }],
    ['turn:h,u', { urls: 'turn:h', username: 'u' }],
    ['turn:h,u,p', { urls: 'turn:h', username: 'u', credential: 'p' }],
    ['turn:h,u,p,a,s,s', { urls: 'turn:h', username: 'u', credential: 'p,a,s,s' }],
    ['turn:h,u,', { urls: 'turn:h', username: 'u', credential: '' }],
    ['turn:h,u,"x\\,y"', { urls: 'turn:h', username: 'u', credential: '"x\\,y"' }],
  ])('%s', (spec, expected) => {
    expect(parseIceServerSpec(spec)).toEqual(expected);
  });
});
