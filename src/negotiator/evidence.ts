import type { NegotiationReason } from '../client/negotiation-types.js';
import type { ProbeReport, ServerOutcome } from '../../probes/types.js';
import { probe as runProbe } from '../../probes/probe.js';

/** What the negotiator needs of a probe report (the full report is in `probes/`). */
export interface ProbeOutcome {
  readonly verdict: 'webrtc' | 'webrtc-relay-tcp' | 'websocket' | 'none';
  readonly reasons: readonly NegotiationReason[];
  /**
   * A negative verdict built on answers (a TURN 401, an ICMP reject, a browser that
   * refuses every candidate) rather than on silence: it decides at once. A negative
   * built on a timeout only makes WebSocket provisional. @default true
   */
  readonly conclusive?: boolean;
}

/** What the negotiator asks of the probe. */
export type ProbeFunction = (options: {
  readonly iceServers: readonly RTCIceServer[];
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  readonly deadlineMs: number;
  readonly connectivityCheck: boolean;
  readonly signal: AbortSignal;
  /** A server just failed: the first evidence of trouble (the negotiator prefetches the WebSocket chunk). */
  readonly onServerFailed?: () => void;
  /** A server answered with a candidate (srflx or relay): the network is not silent. */
  readonly onAnswer?: () => void;
}) => Promise<ProbeOutcome>;

/** Per-server outcomes that are answers, not silence. */
const ANSWERED_FAILURE = new Set<ServerOutcome>(['auth-failed', 'unreachable', 'no-candidates', 'peer-failed']);

export type Evidence = 'positive' | 'conclusive-negative' | 'provisional-negative';

/** Pure: how far a probe outcome can be trusted. */
export function weigh(outcome: ProbeOutcome): Evidence {
  if (outcome.verdict === 'webrtc' || outcome.verdict === 'webrtc-relay-tcp') return 'positive';
  if (outcome.reasons.includes('ABORTED')) return 'provisional-negative';
  return outcome.conclusive === false ? 'provisional-negative' : 'conclusive-negative';
}

/** A negative report is conclusive when every server that was asked answered with a failure. */
export function isConclusive(report: ProbeReport): boolean {
  if (!report.checks.capability.data.rtcPeerConnection) return true;
  const asked = report.checks.gathering.data.servers.filter((s) => s.kind !== 'host');
  return asked.length > 0 && asked.every((s) => ANSWERED_FAILURE.has(s.outcome));
}

/** The real probe, as the negotiator runs it beside a LiveKit connect: the early verdict. */
export const probeForNegotiation: ProbeFunction = async (options) => {
  const report = await runProbe({
    iceServers: options.iceServers,
    iceTransportPolicy: options.iceTransportPolicy === 'relay' ? 'relay' : 'all',
    deadlineMs: options.deadlineMs,
    connectivityCheck: options.connectivityCheck,
    // the negotiator gathered host candidates beside `/connect`; with servers they decide nothing
    hostCandidates: false,
    signal: options.signal,
    onProgress: (event) => {
      if (event.type === 'server' && ANSWERED_FAILURE.has(event.result.outcome)) options.onServerFailed?.();
      if (event.type === 'candidate' && event.candidate.type !== 'host') options.onAnswer?.();
    },
  });
  return { verdict: report.verdict, reasons: report.reasons, conclusive: isConclusive(report) };
};
