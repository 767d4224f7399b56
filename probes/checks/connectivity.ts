import type { CheckContext, CheckOutcome } from '../run-check.js';
import { closePeer, type ProbeDataChannel, type ProbeIceCandidate, type ProbePeerConnection, type ProbePeerConnectionConstructor } from '../peer.js';
import type { ConnectivityData } from '../types.js';

export interface ConnectivityOptions {
  readonly ctor: ProbePeerConnectionConstructor;
  /** Only the servers gathering proved, so the path tested is the one the verdict names. */
  readonly iceServers: RTCIceServer[];
  readonly policy: 'relay' | 'all';
  readonly via: 'udp' | 'tcp';
}

const iceUp = (state: string): boolean => state === 'connected' || state === 'completed';

/** Resolves with `value` or rejects when `signal` fires: a stuck handshake must not outlive the check. */
function until<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('stopped'));
      return;
    }
    const onAbort = (): void => reject(new Error('stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Trickles candidates from `from` to `to`, holding them until `to` has a remote description
 * (Chromium rejects addIceCandidate before that).
 */
function trickle(from: ProbePeerConnection, to: ProbePeerConnection): { ready: () => void } {
  const queue: unknown[] = [];
  let open = false;
  const add = (c: unknown): void => void to.addIceCandidate(c).catch(() => undefined);
  from.onicecandidate = (event) => {
    const candidate: ProbeIceCandidate | null | undefined = event.candidate;
    if (!candidate?.candidate) return;
    const init = typeof candidate.toJSON === 'function' ? candidate.toJSON() : candidate;
    if (open) add(init);
    else queue.push(init);
  };
  return {
    ready: () => {
      open = true;
      for (const c of queue.splice(0)) add(c);
    },
  };
}

/**
 * Two peer connections in this page or process connect through the relay (under the session's
 * policy) and echo one data-channel message. Gathering shows a server answers; this shows
 * packets actually flow through it (a relay can allocate and still drop everything).
 */
export async function connectivityCheck(ctx: CheckContext, options: ConnectivityOptions): Promise<CheckOutcome<ConnectivityData>> {
  const started = Date.now();
  const config = { iceServers: options.iceServers, iceTransportPolicy: options.policy };
  const a = new options.ctor(config);
  ctx.defer(() => closePeer(a));
  const b = new options.ctor(config);
  ctx.defer(() => closePeer(b));
  const state = (): string => `${a.iceConnectionState}/${b.iceConnectionState}`;
  try {
    const toB = trickle(a, b);
    const toA = trickle(b, a);
    b.ondatachannel = ({ channel }) => {
      channel.onmessage = (event) => channel.send(String(event.data));
    };
    const channel: ProbeDataChannel = a.createDataChannel('convai-probe');
    const opened = new Promise<void>((resolve) => {
      channel.onopen = () => resolve();
    });
    const offer = await until(a.createOffer(), ctx.signal);
    await until(a.setLocalDescription(offer), ctx.signal);
    await until(b.setRemoteDescription({ type: 'offer', sdp: a.localDescription?.sdp ?? offer.sdp ?? '' }), ctx.signal);
    toB.ready();
    const answer = await until(b.createAnswer(), ctx.signal);
    await until(b.setLocalDescription(answer), ctx.signal);
    await until(a.setRemoteDescription({ type: 'answer', sdp: b.localDescription?.sdp ?? answer.sdp ?? '' }), ctx.signal);
    toA.ready();
    await until(opened, ctx.signal);
    const setupMs = Date.now() - started;
    const nonce = `ping-${Math.random().toString(36).slice(2)}`;
    const echoed = new Promise<void>((resolve) => {
      channel.onmessage = (event) => {
        if (String(event.data) === nonce) resolve();
      };
    });
    const sent = Date.now();
    channel.send(nonce);
    await until(echoed, ctx.signal);
    return { ok: true, data: { ok: true, via: options.via, rttMs: Date.now() - sent, setupMs, iceState: state(), proof: 'echo' } };
  } catch (error) {
    if (ctx.timedOut() && iceUp(a.iceConnectionState) && iceUp(b.iceConnectionState)) {
      // ICE connectivity checks are STUN requests and answers that crossed the relay both
      // ways: the path works, only DTLS, SCTP and the echo (several more round trips) ran out
      // of time. Calling that a failure sent 5 % loss and 300 ms round trips to WebSocket
      // although LiveKit conversed there (test/verdict, bench/verdict-matrix.ts).
      return { ok: true, data: { ok: true, via: options.via, iceState: state(), proof: 'ice' } };
    }
    const why = ctx.signal.aborted ? 'no data-channel echo before the deadline' : error instanceof Error ? error.message : String(error);
    return { ok: false, data: { ok: false, via: options.via, iceState: state() }, error: `Connectivity check failed: ${why} (ICE ${state()}).` };
  }
}
