import type { CheckContext, CheckOutcome } from '../run-check.js';
import type { ProbePeerConnectionConstructor } from '../peer.js';
import type { CandidateInfo, GatheringData, ServerResult } from '../types.js';
import type { ProbeTarget } from '../validate.js';
import { bestClass } from '../verdict.js';
import { gatherServer } from './gather-server.js';

/** Least time to keep waiting for UDP after a TCP/TLS relay worked. */
const UDP_GRACE_MIN_MS = 500;

export interface GatheringOptions {
  readonly ctor: ProbePeerConnectionConstructor;
  readonly targets: readonly ProbeTarget[];
  readonly policy: 'relay' | 'all';
  readonly thorough: boolean;
  /** Add the host-only gatherer (no server). */
  readonly hostCandidates: boolean;
  readonly timedOut: () => boolean;
  readonly onCandidate: (url: string, candidate: CandidateInfo) => void;
  readonly onServer: (result: ServerResult) => void;
  readonly redact: (text: string) => string;
}

/**
 * ICE gathering against every configured URL (plus a host-only gatherer unless turned off), in parallel.
 * Decides as results arrive: once a UDP-class result is in (the best there is) the rest are
 * cancelled; once a TCP/TLS relay is in, UDP gets a grace period. With `thorough`, it ends
 * only when all have settled or at the deadline.
 */
export async function gatheringCheck(ctx: CheckContext, options: GatheringOptions): Promise<CheckOutcome<GatheringData>> {
  const stop = new AbortController();
  let early = false;
  const onParent = (): void => stop.abort();
  ctx.signal.addEventListener('abort', onParent, { once: true });
  ctx.defer(() => ctx.signal.removeEventListener('abort', onParent));
  if (ctx.signal.aborted) stop.abort();
  const results: ServerResult[] = [];
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let graceExpired = false;
  ctx.defer(() => clearTimeout(graceTimer));
  // a UDP server cut short by the grace period had its chance: that is a timeout, not a cancel
  const stoppedAs = (): 'timeout' | 'cancelled' =>
    options.timedOut() || graceExpired ? 'timeout' : 'cancelled';
  const all = [...(options.hostCandidates ? [undefined] : []), ...options.targets].map((target) =>
    gatherServer({
      ctor: options.ctor,
      target,
      signal: stop.signal,
      stoppedAs,
      onCandidate: options.onCandidate,
      redact: options.redact,
    }).then((result) => {
      results.push(result);
      options.onServer(result);
      if (options.thorough || stop.signal.aborted) return result;
      const best = bestClass(results, options.policy, false);
      if (best === 'udp') {
        early = true;
        stop.abort();
      } else if (best === 'tcp' && graceTimer === undefined) {
        // A UDP allocation takes fewer round trips than a TCP one (no TCP handshake), so
        // when UDP has not answered by twice the TCP time it is very likely dropped: stop
        // waiting then, and leave the rest of the deadline to the connectivity check.
        const graceMs = Math.max(UDP_GRACE_MIN_MS, 2 * (result.firstUsefulMs ?? 0));
        graceTimer = setTimeout(() => {
          graceExpired = true;
          early = true;
          stop.abort();
        }, graceMs);
      }
      return result;
    }),
  );
  const servers = await Promise.all(all);
  const found = bestClass(servers, options.policy, true);
  return {
    ok: found !== 'none',
    data: { policy: options.policy, servers, early },
    ...(found === 'none' ? { error: 'No usable candidate for this ICE transport policy.' } : {}),
  };
}
