/**
 * The ICE policy a probe should test, picked as the negotiator picks it
 * (`probePolicy` in src/negotiator/choose-transport.ts; a test keeps the two in step):
 * the session's policy (Convai's is `relay`) when a TURN server is given, else `all`.
 * With STUN alone no relay candidate can exist, so `relay` would always say "no".
 */
export function policyFor(servers: readonly RTCIceServer[], sessionPolicy: 'relay' | 'all' = 'relay'): 'relay' | 'all' {
  return hasTurnServer(servers) ? sessionPolicy : 'all';
}

export function hasTurnServer(servers: readonly RTCIceServer[]): boolean {
  return servers.some((s) => (typeof s.urls === 'string' ? [s.urls] : s.urls).some((u) => /^turns?:/i.test(u)));
}

/** What a probe with STUN servers only can and cannot prove, for people. */
export const STUN_ONLY_NOTE =
  'STUN only: the probe ran with policy all. A reflexive candidate shows that UDP reaches the STUN server and back; ' +
  'it cannot show that a TURN relay works, and a Convai session connects through TURN (policy relay). ' +
  'Add a TURN server (turn:host:3478?transport=udp,USER,CRED) to test the path the session will use.';
