import type { ProbePeerConnectionConstructor } from '../peer.js';
import { gatherServer } from './gather-server.js';

/**
 * - `udp`: the browser gathered a UDP host candidate.
 * - `none`: gathering ended without one. Either the browser refuses UDP (Chromium's
 *   `disable_non_proxied_udp`, some enterprise and webview settings: only TURN over TCP or TLS
 *   can carry WebRTC), or it hides host addresses (`default_public_interface_only`, set by
 *   privacy extensions: UDP to STUN/TURN still works). Only a probe on real servers tells the two
 *   apart, so this is a hint, never a verdict.
 * - `unknown`: no peer connection, stopped, or an error.
 */
export type HostGathering = 'udp' | 'none' | 'unknown';

export interface HostGatheringOptions {
  readonly ctor?: ProbePeerConnectionConstructor | undefined;
  readonly signal: AbortSignal;
  /**
   * No UDP host candidate this long after gathering started: `none` is likely, long before
   * gathering ends. A busy page can delay candidates past it, so treat it as weaker still. @default 20
   */
  readonly quietMs?: number;
  readonly onQuiet?: () => void;
}

/**
 * Gathers host candidates with no server, which sends no packet: Chromium gathers them 1-3 ms
 * after `setLocalDescription`, and with UDP refused or host addresses hidden gathers nothing and
 * ends (~120-190 ms). Cheap enough to run beside `/connect`; its quiet comes before the LiveKit
 * join names the TURN servers (docs/ARCHITECTURE.md, "How 'auto' decides").
 */
export async function gatherHostCandidates(options: HostGatheringOptions): Promise<HostGathering> {
  const ctor = options.ctor ?? (globalThis as { RTCPeerConnection?: ProbePeerConnectionConstructor }).RTCPeerConnection;
  if (typeof ctor !== 'function' || options.signal.aborted) return 'unknown';
  let quiet: ReturnType<typeof setTimeout> | undefined;
  let udp = false;
  try {
    const result = await gatherServer({
      ctor,
      target: undefined,
      signal: options.signal,
      stoppedAs: () => 'cancelled',
      // timed from the start of gathering: making the peer connection and its offer can take
      // longer than the gathering itself on a cold page
      onGathering: () => {
        if (!udp && options.onQuiet) quiet = setTimeout(options.onQuiet, options.quietMs ?? 20);
      },
      onCandidate: (_url, candidate) => {
        if (candidate.protocol !== 'udp') return;
        udp = true;
        clearTimeout(quiet);
      },
      redact: (text) => text,
    });
    // the first host candidate settles it; a TCP one first would be odd, and says nothing of UDP
    if (udp || result.candidates.some((c) => c.protocol === 'udp')) return 'udp';
    // an offer the stack could not make ends gathering too, with an error: that is no answer
    return result.outcome === 'no-candidates' && result.errors.length === 0 ? 'none' : 'unknown';
  } finally {
    clearTimeout(quiet);
  }
}
