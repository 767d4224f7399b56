import type { CheckOutcome } from '../run-check.js';
import { closePeer, type ProbePeerConnectionConstructor } from '../peer.js';
import type { CapabilityData } from '../types.js';

/**
 * Is there a usable RTCPeerConnection at all? Some webviews and privacy modes remove the
 * global; others keep it but throw on construction (WebRTC disabled by policy). Either way
 * the verdict needs no network. Constructing one gathers nothing: without a local
 * description no socket is opened, so this costs no traffic.
 */
export async function capabilityCheck(ctor: unknown): Promise<CheckOutcome<CapabilityData>> {
  if (typeof ctor !== 'function') {
    return { ok: false, data: { rtcPeerConnection: false }, error: 'RTCPeerConnection is not available in this environment.' };
  }
  try {
    const pc = new (ctor as ProbePeerConnectionConstructor)({ iceServers: [], iceTransportPolicy: 'all' });
    await closePeer(pc);
    return { ok: true, data: { rtcPeerConnection: true } };
  } catch (error) {
    return {
      ok: false,
      data: { rtcPeerConnection: false },
      error: `RTCPeerConnection exists but cannot be constructed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
