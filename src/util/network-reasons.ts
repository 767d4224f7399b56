/**
 * The reason codes a network check gives, shared by the probe's report and the client's
 * negotiation results (which add their own). Stable: match on these, never on text.
 */
export type NetworkReasonCode =
  | 'NO_RTCPEERCONNECTION'
  | 'NO_ICE_SERVERS'
  | 'PEER_CONNECTION_FAILED'
  | 'UDP_BLOCKED'
  | 'TURN_AUTH_FAILED'
  | 'TURN_UNREACHABLE'
  | 'TURN_TCP_ONLY'
  | 'STUN_TIMEOUT'
  | 'NO_RELAY_CANDIDATES'
  | 'CONNECTIVITY_FAILED'
  | 'WS_HANG'
  | 'WS_FAILED'
  | 'ABORTED';
