import { describe, expect, it } from 'vitest';
import type { ProbeDataChannel, ProbePeerConnection, ProbePeerConnectionConstructor } from '../peer.js';
import { runCheck } from '../run-check.js';
import type { ConnectivityData } from '../types.js';
import { connectivityCheck } from './connectivity.js';

/**
 * A peer connection whose ICE reaches `iceState` but whose data channel never opens: what
 * a lossy or slow relay looks like when the deadline falls between ICE and the echo.
 * (The real thing is measured in Chromium by test/e2e/verdict-matrix.test.ts.)
 */
function stalledPeer(iceState: string): { ctor: ProbePeerConnectionConstructor; closed: () => number } {
  let closed = 0;
  class Stalled implements ProbePeerConnection {
    onicecandidate = null;
    onicecandidateerror = null;
    ondatachannel = null;
    iceConnectionState = 'new';
    localDescription: { type: string; sdp: string } | null = null;
    createDataChannel(): ProbeDataChannel {
      return { onopen: null, onmessage: null, send: () => undefined, close: () => undefined };
    }
    async createOffer() {
      return { type: 'offer', sdp: 'v=0' };
    }
    async createAnswer() {
      return { type: 'answer', sdp: 'v=0' };
    }
    async setLocalDescription(d: { type: string; sdp?: string }) {
      this.localDescription = { type: d.type, sdp: d.sdp ?? '' };
    }
    async setRemoteDescription() {
      this.iceConnectionState = iceState;
    }
    async addIceCandidate() {}
    close() {
      closed += 1;
      this.iceConnectionState = 'closed';
    }
  }
  return { ctor: Stalled, closed: () => closed };
}

function run(iceState: string, signal: AbortSignal = new AbortController().signal) {
  const peer = stalledPeer(iceState);
  const result = runCheck(
    {
      name: 'connectivity',
      signal,
      timeoutMs: 40,
      probeStart: Date.now(),
      emit: () => undefined,
      redact: (t) => t,
      fallback: (): ConnectivityData => ({ ok: false, via: 'udp' }),
    },
    (ctx) => connectivityCheck(ctx, { ctor: peer.ctor, iceServers: [], policy: 'relay', via: 'udp' }),
  );
  return { result, closed: peer.closed };
}

describe('connectivity check at the deadline', () => {
  it('ICE connected through the relay on both peers proves the path (proof: ice)', async () => {
    const { result, closed } = run('connected');
    const r = await result;
    expect(r.status).toBe('success');
    expect(r.data).toMatchObject({ ok: true, via: 'udp', proof: 'ice' });
    expect(closed()).toBe(2);
  });

  it('ICE still checking at the deadline is a failure', async () => {
    const r = await run('checking').result;
    expect(r.status).toBe('failed');
    expect(r.data.ok).toBe(false);
    expect(r.error).toMatch(/no data-channel echo before the deadline/);
  });

  it("a caller's abort is never turned into a success", async () => {
    const controller = new AbortController();
    const pending = run('connected', controller.signal);
    setTimeout(() => controller.abort(new Error('user left')), 5);
    const r = await pending.result;
    expect(r.status).toBe('aborted');
    expect(r.data.ok).toBe(false);
    expect(pending.closed()).toBe(2);
  });
});
