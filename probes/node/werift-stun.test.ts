import { describe, expect, it } from 'vitest';
import { withOwnStun } from './werift-stun.js';

describe('withOwnStun: no werift peer falls back to its public STUN default', () => {
  it('adds the TURN server as STUN under policy all', () => {
    const turn = { urls: ['turn:127.0.0.1:3478?transport=tcp'], username: 'u', credential: 'p' };
    expect(withOwnStun([turn], 'all')).toEqual([turn, { urls: 'stun:127.0.0.1:3478' }]);
  });

  it('adds a silent loopback address when there is no server at all', () => {
    expect(withOwnStun([], 'all')).toEqual([{ urls: 'stun:127.0.0.1:9' }]);
  });

  it('keeps a list that names a STUN server, and relay-only peers (they query none)', () => {
    const stun = { urls: 'stun:127.0.0.1:3478' };
    expect(withOwnStun([stun], 'all')).toEqual([stun]);
    expect(withOwnStun([], 'relay')).toEqual([]);
  });
});
