import type { BackendSession } from '../client/backend.js';
import type { CandidateSession, NegotiationHost } from '../client/auto-registry.js';
import type { IceServerSource, NegotiationReason } from '../client/negotiation-types.js';
import { linkSignal } from '../util/abort.js';
import { elapsed, now } from '../util/clock.js';
import type { HostGathering } from '../../probes/checks/host-gathering.js';
import { hasTurnOverTcp, pickIceServers, probePolicy } from './choose-transport.js';
import { weigh, type ProbeFunction, type ProbeOutcome } from './evidence.js';

export interface RaceOptions {
  readonly signal: AbortSignal;
  readonly probe: ProbeFunction;
  /** Probe deadline, already scaled to the link. */
  readonly deadlineMs: number;
  /** Keep the LiveKit attempt alive after a provisional WebSocket choice (for an upgrade). */
  readonly keepCandidate: boolean;
  /** First evidence of trouble: the caller gets the WebSocket fallback ready. */
  readonly onTrouble: () => void;
  /** Host candidates gathered without a server, asked beside `/connect` (a hint). */
  readonly hostGathering?: HostGatheringAnswer;
}

/** What is known now (`quiet`: nothing gathered yet, long after it should have), and the answer when it comes. */
export interface HostGatheringAnswer {
  readonly current: () => HostGathering | 'quiet';
  /** Called with each change of `current`. */
  readonly watch: (listener: () => void) => void;
}

interface ProbeRun {
  readonly outcome?: ProbeOutcome;
  readonly probeMs?: number;
  readonly iceServerSource?: IceServerSource;
}

export type RaceOutcome =
  /** LiveKit connected first: the candidate is ready to use. */
  | ({ readonly kind: 'livekit'; readonly candidate: CandidateSession } & ProbeRun)
  /** The evidence says WebSocket; `candidate` is the LiveKit attempt still running when provisional. */
  | ({
      readonly kind: 'websocket';
      readonly reasons: readonly NegotiationReason[];
      readonly provisional: boolean;
      readonly candidate?: Promise<CandidateSession>;
      /**
       * Decided on the host hint: the probe goes on, and this is its answer (undefined if it
       * was stopped). A conclusive negative means the kept LiveKit attempt can never connect.
       */
      readonly confirmation?: Promise<ProbeOutcome | undefined>;
      /** Stops the kept LiveKit attempt (the confirmation said it cannot connect). */
      readonly cancelCandidate?: () => void;
    } & ProbeRun)
  /** LiveKit failed before any negative evidence. */
  | ({ readonly kind: 'failed'; readonly error: unknown } & ProbeRun);

/**
 * Overlap instead of waiting: the LiveKit connect starts at once with the backend's
 * answer, and the probe runs beside it, on the ICE servers the session really uses
 * (config, the `/connect` answer, else the session's own join response). The first
 * conclusive evidence decides: LiveKit connected, a conclusive negative probe (answers,
 * not silence), or LiveKit failing. Silence only makes WebSocket provisional: at the probe
 * deadline, or at twice it when no probe could run; after a positive probe the LiveKit
 * attempt gets its whole connect timeout. Trouble is reported at once, so the fallback is
 * ready when the verdict comes: silence for half the deadline, a failed server, or no host
 * candidate while no TURN server takes TCP (if UDP is refused, nothing else could work).
 */
export function raceLiveKit(host: NegotiationHost, backend: BackendSession, options: RaceOptions): Promise<RaceOutcome> {
  const { config } = host;
  // the LiveKit attempt may outlive the connect (as the upgrade candidate): the session's lifetime bounds it
  const attempt = linkSignal(options.signal);
  const onLifetimeEnd = (): void => attempt.abort(host.lifetime.reason);
  host.lifetime.addEventListener('abort', onLifetimeEnd, { once: true });
  const probeStop = linkSignal(options.signal);
  let run: ProbeRun = {};
  let probeStarted = false;
  let servers: readonly RTCIceServer[] | undefined;
  let probePositive = false;
  let confirm: ((outcome: ProbeOutcome | undefined) => void) | undefined;

  return new Promise<RaceOutcome>((resolve) => {
    let settled = false;
    let kept = false;
    let guard: ReturnType<typeof setTimeout> | undefined;
    let silence: ReturnType<typeof setTimeout> | undefined;
    const settle = (outcome: RaceOutcome, keepAttempt: boolean, keepProbe = false): void => {
      if (settled) return;
      settled = true;
      kept = keepAttempt;
      clearTimeout(guard);
      clearTimeout(silence);
      if (keepProbe) {
        // it outlives the connect: the session's end stops it too
        const stopProbe = (): void => probeStop.abort(host.lifetime.reason);
        host.lifetime.addEventListener('abort', stopProbe, { once: true });
        probeStop.signal.addEventListener('abort', () => host.lifetime.removeEventListener('abort', stopProbe), { once: true });
      } else {
        probeStop.abort();
        probeStop.dispose();
      }
      if (!keepAttempt) attempt.abort(new Error('the negotiation decided without this LiveKit attempt'));
      resolve({ ...run, ...outcome });
    };
    /**
     * No host candidate (or none yet) and no TURN over TCP: if UDP is refused, only WebSocket
     * can work, so that is trouble. Once gathering has ended with none, WebSocket is chosen
     * provisionally (when an upgrade can correct it): a browser that refuses UDP and one that
     * only hides its host addresses look the same here, and only the probe, which goes on,
     * tells them apart; in the second the LiveKit attempt connects and the conversation moves.
     */
    const weighHosts = (): void => {
      const hosts = options.hostGathering?.current();
      if (settled || probePositive || !servers || hasTurnOverTcp(servers) || (hosts !== 'none' && hosts !== 'quiet')) return;
      options.onTrouble();
      if (hosts !== 'none' || !options.keepCandidate) return;
      const confirmation = new Promise<ProbeOutcome | undefined>((resolve) => (confirm = resolve));
      const cancelCandidate = (): void => attempt.abort(new Error('the probe showed this LiveKit attempt cannot connect'));
      settle({ kind: 'websocket', reasons: ['NO_UDP_HOST_CANDIDATES'], provisional: true, candidate, confirmation, cancelCandidate }, true, true);
    };
    options.hostGathering?.watch(weighHosts);
    const startProbe = (known: readonly RTCIceServer[], source: IceServerSource): void => {
      if (probeStarted || settled || known.length === 0) return;
      servers = known;
      probeStarted = true;
      run = { iceServerSource: source };
      // after this turn: the join can be reported while the LiveKit attempt is still being made
      queueMicrotask(weighHosts);
      host.emit({ phase: 'probing', iceServerSource: source });
      const t = now();
      let heard = false;
      clearTimeout(silence);
      // a healthy relay answers in a few round trips; half the deadline without one is trouble
      silence = setTimeout(() => heard || options.onTrouble(), options.deadlineMs / 2);
      void options
        .probe({
          iceServers: known,
          iceTransportPolicy: probePolicy(known, config.iceTransportPolicy),
          deadlineMs: options.deadlineMs,
          connectivityCheck: config.negotiation.connectivityCheck,
          signal: probeStop.signal,
          onServerFailed: () => settled || options.onTrouble(),
          onAnswer: () => {
            heard = true;
          },
        })
        .then((outcome) => {
          if (settled) {
            // a probe kept past the decision (the host hint): its answer confirms or overturns it
            confirm?.(probeStop.signal.aborted ? undefined : outcome);
            probeStop.abort();
            probeStop.dispose();
            return;
          }
          run = { outcome, probeMs: elapsed(t), iceServerSource: source };
          const evidence = weigh(outcome);
          // a usable relay: wait for LiveKit itself, up to its own connect timeout (then fall back)
          if (evidence === 'positive') return ((probePositive = true), clearTimeout(guard), clearTimeout(silence));
          options.onTrouble();
          const provisional = evidence === 'provisional-negative';
          settle({ kind: 'websocket', reasons: outcome.reasons, provisional, ...(provisional && options.keepCandidate ? { candidate } : {}) }, provisional && options.keepCandidate);
        });
    };

    const candidate = host.prepareTransport('livekit', {
      signal: attempt.signal,
      backendSession: backend,
      onIceServers: (joined) => startProbe(joined, 'session'),
    });
    candidate.then(
      (ready) => {
        // connected just as the race was decided without it: nobody else will close it
        if (settled && !kept) void ready.discard();
        else if (!settled) settle({ kind: 'livekit', candidate: ready }, true);
      },
      (error: unknown) => {
        if (settled) return;
        options.onTrouble();
        settle({ kind: 'failed', error }, false);
      },
    );
    candidate
      .finally(() => {
        host.lifetime.removeEventListener('abort', onLifetimeEnd);
        attempt.dispose();
      })
      .catch(() => undefined);

    const known = pickIceServers(config.iceServers, backend.iceServers);
    if (known) startProbe(known.servers, known.source);
    // no servers to probe yet: trouble at the deadline, a provisional verdict at twice it
    silence ??= setTimeout(() => probeStarted || options.onTrouble(), options.deadlineMs);
    guard = setTimeout(() => {
      options.onTrouble();
      settle({ kind: 'websocket', reasons: ['WEBRTC_TIMEOUT'], provisional: true, ...(options.keepCandidate ? { candidate } : {}) }, options.keepCandidate);
    }, 2 * options.deadlineMs);
  });
}
