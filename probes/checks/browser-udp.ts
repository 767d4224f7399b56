import type { ProbePeerConnectionConstructor } from '../peer.js';
import { gatherServer } from './gather-server.js';

/**
 * - `allowed`: the browser gathered a UDP host candidate: WebRTC may use UDP.
 * - `refused`: gathering ended with no UDP candidate at all: the browser itself refuses UDP
 *   (Chromium's `disable_non_proxied_udp` policy, some enterprise and webview settings), so
 *   only a TURN server over TCP or TLS can carry WebRTC.
 * - `unknown`: no peer connection, stopped, or no answer in time.
 */
export type BrowserUdp = 'allowed' | 'refused' | 'unknown';

export interface BrowserUdpOptions {
  readonly ctor?: ProbePeerConnectionConstructor | undefined;
  readonly signal: AbortSignal;
  /** Nothing gathered this long after gathering started is the first hint of a refusal. @default 20 */
  readonly quietMs?: number;
  readonly onQuiet?: () => void;
}

/**
 * Asks the browser whether it lets WebRTC use UDP, with no server and without sending a
 * packet: a peer connection with no ICE servers gathers host candidates at once (Chromium: 1-3 ms
 * after `setLocalDescription`), and under a policy that refuses UDP gathers nothing and ends
 * (Chromium: ~120 ms). The refusal is an answer, not silence; the quiet before it is only a hint,
 * early enough to prepare the fallback beside the LiveKit join (docs/ARCHITECTURE.md, "How 'auto' decides").
 */
export async function browserUdp(options: BrowserUdpOptions): Promise<BrowserUdp> {
  const ctor = options.ctor ?? (globalThis as { RTCPeerConnection?: ProbePeerConnectionConstructor }).RTCPeerConnection;
  if (typeof ctor !== 'function' || options.signal.aborted) return 'unknown';
  // timed from the start of gathering: creating the peer connection and its offer can take
  // longer than the gathering itself on a cold or busy page
  let quiet: ReturnType<typeof setTimeout> | undefined;
  let udpSeen = false;
  try {
    const result = await gatherServer({
      ctor,
      target: undefined,
      signal: options.signal,
      stoppedAs: () => 'cancelled',
      onGathering: () => {
        if (!udpSeen) quiet = setTimeout(() => options.onQuiet?.(), options.quietMs ?? 20);
      },
      onCandidate: (_url, candidate) => {
        if (candidate.protocol !== 'udp') return;
        udpSeen = true;
        clearTimeout(quiet);
      },
      redact: (text) => text,
    });
    if (udpSeen) return 'allowed';
    // an offer the stack could not make ends gathering too, with an error: that is no answer
    return result.outcome === 'no-candidates' && result.errors.length === 0 ? 'refused' : 'unknown';
  } finally {
    clearTimeout(quiet);
  }
}
