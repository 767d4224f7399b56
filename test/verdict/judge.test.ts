import { describe, expect, it } from 'vitest';
import { judge, type RunMeasure } from './judge.js';

const works = (transport: string): RunMeasure => ({ ok: true, transport, conversed: true, elapsedMs: 1 });
const fails: RunMeasure = { ok: false, code: 'CONNECT_TIMEOUT', conversed: false, elapsedMs: 1 };
const mute = (transport: string): RunMeasure => ({ ok: true, transport, conversed: false, elapsedMs: 1 });

describe('judge', () => {
  it('WebRTC verdict and LiveKit converses: correct', () => {
    expect(judge({ verdict: 'webrtc', livekit: works('livekit'), websocket: works('websocket'), auto: works('livekit') })).toEqual({
      judgement: 'correct',
      wrong: [],
    });
  });

  it('a relay-over-TCP verdict counts as WebRTC', () => {
    expect(judge({ verdict: 'webrtc-relay-tcp', livekit: works('livekit'), auto: works('livekit') }).judgement).toBe('correct');
  });

  it('WebSocket verdict although forced LiveKit converses: false-websocket', () => {
    expect(judge({ verdict: 'websocket', livekit: works('livekit'), websocket: works('websocket'), auto: works('websocket') })).toEqual({
      judgement: 'wrong',
      wrong: ['false-websocket'],
    });
  });

  it('a provisional WebSocket choice upgraded to LiveKit by the reading is not a false WebSocket', () => {
    const input = { verdict: 'websocket', livekit: works('livekit'), auto: works('websocket') };
    expect(judge({ ...input, transportAtReading: 'livekit' })).toEqual({ judgement: 'correct', wrong: [] });
    expect(judge({ ...input, transportAtReading: 'websocket' }).wrong).toEqual(['false-websocket']);
  });

  it('WebRTC verdict although LiveKit fails is wrong even when the connect fallback rescued the session', () => {
    expect(judge({ verdict: 'webrtc', livekit: fails, websocket: works('websocket'), auto: works('websocket') })).toEqual({
      judgement: 'wrong',
      wrong: ['false-webrtc'],
    });
  });

  it('a connected session that does not converse is not a success', () => {
    expect(judge({ verdict: 'webrtc', livekit: mute('livekit'), websocket: works('websocket'), auto: mute('livekit') })).toEqual({
      judgement: 'wrong',
      wrong: ['false-webrtc', 'no-conversation'],
    });
  });

  it('WebSocket verdict with LiveKit failing: correct', () => {
    expect(judge({ verdict: 'websocket', livekit: fails, websocket: works('websocket'), auto: works('websocket') }).judgement).toBe('correct');
  });

  it('nothing converses: no verdict can be right', () => {
    expect(judge({ verdict: 'websocket', livekit: fails, websocket: fails, auto: fails })).toEqual({ judgement: 'no-transport-works', wrong: [] });
  });
});
