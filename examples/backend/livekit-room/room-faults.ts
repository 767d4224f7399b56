import type { IceServerConfig } from './signal-codec.js';

/** Faults a test can switch on, to see how the client copes. All off by default. */
export interface RoomFaults {
  /** Close the server's peer connection this long after the join. */
  dropPeerAfterMs?: number;
  /** Close the signalling socket (code 1011) this long after the join. */
  closeSignalAfterMs?: number;
  /** Never answer offers: the client's connect waits for a PC that never comes. */
  withholdAnswer?: boolean;
  /**
   * Send the join response (and so the TURN servers) this long after the client opens
   * its signalling socket: a slow signalling path. livekit-client gives up after 5 s.
   */
  delayJoinMs?: number;
  /** Leave every `turn:...?transport=tcp` / `turns:` URL out of the join response. */
  omitTurnTcp?: boolean;
  /**
   * Refuse (401, upgrade and validate alike) every join to a room that has had a
   * participant: livekit-client then gives up reconnecting at once ("token might be
   * expired") instead of after its default ~45 s of retries, so a test reaches the
   * "LiveKit gave up" state quickly.
   */
  refuseRejoin?: boolean;
}

/** The join response's ICE servers without TURN over TCP or TLS (`omitTurnTcp`). */
export function withoutTcpTurn(servers: readonly IceServerConfig[]): IceServerConfig[] {
  return servers
    .map((s) => ({
      ...s,
      urls: (typeof s.urls === 'string' ? [s.urls] : [...s.urls]).filter(
        (u) => !/^turns:/i.test(u) && !/transport=tcp/i.test(u),
      ),
    }))
    .filter((s) => s.urls.length > 0);
}
