/**
 * werift 0.24.4 sends its server-reflexive query to stun.l.google.com (a DNS lookup and a
 * packet off the machine) whenever the peer has no `stun:` URL, `iceServers: []` included,
 * unless the policy is `relay` (then it queries no STUN server at all). So every werift
 * peer under policy `all` gets a STUN server we choose.
 */

/** The host and port of the first TURN server (a TURN server answers STUN there), else an address that answers nothing. */
export function ownStunServer(servers: readonly { readonly urls: string | readonly string[] }[], fallback = 'stun:127.0.0.1:9'): { urls: string } {
  const urls = servers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : [...s.urls]));
  const turn = urls.map((u) => /^turn:([^?]+)/i.exec(u)?.[1]).find((hostPort) => hostPort !== undefined);
  return { urls: turn ? `stun:${turn}` : fallback };
}

/** `servers`, plus our own STUN server where werift would otherwise use its public default. */
export function withOwnStun(servers: readonly RTCIceServer[], policy: 'relay' | 'all'): RTCIceServer[] {
  const urls = servers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : [...s.urls]));
  if (policy === 'relay' || urls.some((u) => /^stuns?:/i.test(u))) return [...servers];
  return [...servers, ownStunServer(servers)];
}
