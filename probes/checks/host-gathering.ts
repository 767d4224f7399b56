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
}

/**
 * Gathers host candidates with no server, which sends no packet: Chromium gathers them 1-3 ms
 * after `setLocalDescription`, and with UDP refused or host addresses hidden gathers nothing and
 * ends (~120-190 ms). Cheap enough to run beside `/connect`; its answer comes about when the
 * LiveKit join names the TURN servers (docs/ARCHITECTURE.md, "How 'auto' decides").
 */
export async function gatherHostCandidates(options: HostGatheringOptions): Promise<HostGathering> {
  const ctor = options.ctor ?? (globalThis as { RTCPeerConnection?: ProbePeerConnectionConstructor }).RTCPeerConnection;
  if (typeof ctor !== 'function' || options.signal.aborted) return 'unknown';
  const result = await gatherServer({
    ctor,
    target: undefined,
    signal: options.signal,
    stoppedAs: () => 'cancelled',
    onCandidate: () => undefined,
    redact: (text) => text,
  });
  // the first host candidate settles it; a TCP one first would be odd, and says nothing of UDP
  if (result.candidates.some((c) => c.protocol === 'udp')) return 'udp';
  // an offer the stack could not make ends gathering too, with an error: that is no answer
  return result.outcome === 'no-candidates' && result.errors.length === 0 ? 'none' : 'unknown';
}
