/** RFC 7064/7065 shape: scheme, host (or [IPv6]), port, and only `?transport=udp|tcp`. */
const ICE_URL_SHAPE = /^(stuns?|turns?):(\[[0-9a-fA-F:.]+\]|[^\s:?[\]/@%]+)(?::(\d{1,5}))?(\?transport=(udp|tcp))?$/i;

/**
 * True for a STUN/TURN URL of the RFC shape with a port from 1 to 65535. Such a URL holds
 * no credential, so it may be shown as is, and the probe's parser (`probes/ice-url.ts`)
 * accepts it.
 */
export function isWellFormedIceUrl(url: string): boolean {
  const match = ICE_URL_SHAPE.exec(url);
  if (!match) return false;
  // a STUN URL takes no query (RFC 7064)
  if (match[1]!.toLowerCase().startsWith('stun') && match[4] !== undefined) return false;
  const port = match[3] === undefined ? 1 : Number(match[3]);
  return port >= 1 && port <= 65_535;
}
