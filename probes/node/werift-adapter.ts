import { parseIceUrl } from '../ice-url.js';
import type { ProbePeerConnection, ProbePeerConnectionConstructor } from '../peer.js';
import { checkTurnAuth } from './turn-auth.js';
import { withOwnStun } from './werift-stun.js';

export interface WeriftAdapterOptions {
  /**
   * Gather host candidates on this IPv4 address only (e.g. '127.0.0.1' in tests). Without it
   * werift uses every interface, which is what a real network check wants.
   */
  readonly bindAddress?: string;
}

/** The bits of werift's config we set; typed here so werift stays a dynamic, optional import. */
interface WeriftConfig {
  iceServers: RTCIceServer[];
  iceTransportPolicy: 'relay' | 'all';
  iceUseIpv6: boolean;
  iceUseTcp: boolean;
  iceInterfaceAddresses?: { udp4?: string };
  iceAdditionalHostAddresses?: string[];
}

export type WeriftPeerConnectionClass = new (config: WeriftConfig) => object;

/**
 * werift gives up on a TURN 401 silently (no `icecandidateerror`, measured here:
 * it just retries until its own timeout). For a peer connection with exactly one TURN/UDP or
 * TURN/TCP URL (what the probe's gatherers use) this runs a tiny Allocate exchange beside it and
 * fires the 401 the way a browser would.
 */
function watchTurnAuth(pc: ProbePeerConnection, servers: readonly RTCIceServer[]): void {
  const urls = servers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : s.urls));
  const server = servers[0];
  if (urls.length !== 1 || !server || typeof server.username !== 'string' || typeof server.credential !== 'string') return;
  let parsed;
  try {
    parsed = parseIceUrl(urls[0]!, 'url');
  } catch {
    return;
  }
  if (parsed.scheme !== 'turn' || parsed.transport === 'tls') return;
  const controller = new AbortController();
  const close = pc.close.bind(pc);
  pc.close = () => {
    controller.abort();
    return close();
  };
  void checkTurnAuth({
    host: parsed.host,
    port: parsed.port,
    transport: parsed.transport,
    username: server.username,
    credential: server.credential,
    signal: controller.signal,
  })
    .then((result) => {
      if (result === 'unauthorized' && !controller.signal.aborted) {
        pc.onicecandidateerror?.({ errorCode: 401, errorText: 'Unauthorized', url: urls[0]! });
      }
    })
    .catch(() => undefined);
}

/**
 * Wraps werift's RTCPeerConnection so the probe can use it like the browser's. werift's
 * default `iceServers` is a public Google STUN server (docs/ARCHITECTURE.md, "werift"): the wrapper refuses to run
 * without an explicit list. IPv6 and ICE-TCP host candidates are off: the probe tests servers,
 * not local interfaces.
 */
export function weriftPeerConnection(
  Werift: WeriftPeerConnectionClass,
  options: WeriftAdapterOptions = {},
): ProbePeerConnectionConstructor & typeof RTCPeerConnection {
  const bind = options.bindAddress;
  function Adapter(config: { iceServers: RTCIceServer[]; iceTransportPolicy: 'relay' | 'all' }): ProbePeerConnection {
    if (!Array.isArray(config?.iceServers)) throw new TypeError('iceServers must be given explicitly');
    const pc = new Werift({
      iceServers: withOwnStun(config.iceServers, config.iceTransportPolicy ?? 'all'),
      iceTransportPolicy: config.iceTransportPolicy ?? 'all',
      iceUseIpv6: false,
      iceUseTcp: false,
      ...(bind ? { iceInterfaceAddresses: { udp4: bind }, iceAdditionalHostAddresses: [bind] } : {}),
    }) as unknown as ProbePeerConnection;
    if (config.iceTransportPolicy === 'relay') watchTurnAuth(pc, config.iceServers);
    return pc;
  }
  // callable with `new`: a function constructor that returns an object yields that object
  return Adapter as unknown as ProbePeerConnectionConstructor & typeof RTCPeerConnection;
}
