import { parseCandidate, toServerTransport } from '../candidate.js';
import { closePeer, type ProbePeerConnectionConstructor } from '../peer.js';
import type { CandidateInfo, ServerOutcome, ServerResult } from '../types.js';
import type { ProbeTarget } from '../validate.js';

export interface GatherServerOptions {
  readonly ctor: ProbePeerConnectionConstructor;
  /** Undefined: the host-only gatherer (no server). */
  readonly target: ProbeTarget | undefined;
  /** Fires when gathering for this server must stop. */
  readonly signal: AbortSignal;
  /** Outcome to record when stopped by `signal` with nothing decisive. */
  readonly stoppedAs: () => ServerOutcome;
  readonly onCandidate: (url: string, candidate: CandidateInfo) => void;
  /** Gathering has started (the local description is set): candidates may come from now on. */
  readonly onGathering?: () => void;
  readonly redact: (text: string) => string;
}

/** A STUN answer takes well under this on any real path; stacks give up later (werift 5 s). */
const STUN_GIVE_UP_MS = 4_000;
/** STUN "Unauthorized" (RFC 8489 section 14.8): wrong TURN username or credential. */
const UNAUTHORIZED = 401;
/** libwebrtc's code for "no answer from the server" (w3c webrtc-pc, RTCPeerConnectionIceErrorEvent). */
const UNREACHABLE = 701;
/**
 * Firefox (153) fires icecandidateerror with the right `errorCode` but an empty `errorText`
 * (Chromium says "Unauthorized."): name the codes the verdict uses, so a report reads the same
 * whichever engine ran it (README, "Browser engines").
 */
const ERROR_TEXT: Readonly<Record<number, string>> = {
  [UNAUTHORIZED]: 'Unauthorized (wrong TURN username or credential)',
  [UNREACHABLE]: 'No answer from the server',
};

/**
 * Gathers from one URL in its own peer connection, so every candidate and every error
 * belongs to that URL whatever the stack reports (werift has no `event.url`, and uses only the
 * first STUN and first TURN server of a list). Settles on the first decisive candidate,
 * on an auth error, at the end of gathering, or when `signal` fires: never waits for a stack's
 * own gathering timeout (Chromium ~40 s, werift 5 s; docs/ARCHITECTURE.md, "Chromium").
 */
export function gatherServer(options: GatherServerOptions): Promise<ServerResult> {
  const { target } = options;
  const kind: ServerResult['kind'] = target ? (target.parsed.scheme.startsWith('turn') ? 'turn' : 'stun') : 'host';
  const url = target ? target.url : 'host';
  const transport = target ? target.parsed.transport : 'udp';
  const wanted = kind === 'turn' ? 'relay' : kind === 'stun' ? 'srflx' : 'host';
  const started = Date.now();
  const candidates: CandidateInfo[] = [];
  const errors: { code: number; text: string }[] = [];
  let firstUsefulMs: number | undefined;

  if (options.signal.aborted) {
    return Promise.resolve({ serverIndex: target ? target.serverIndex : -1, url, kind, transport, outcome: options.stoppedAs(), candidates, errors, durationMs: 0 });
  }
  let pc: InstanceType<ProbePeerConnectionConstructor>;
  try {
    pc = new options.ctor({
      iceServers: target
        ? [{ urls: target.url, ...(target.username === undefined ? {} : { username: target.username }), ...(target.credential === undefined ? {} : { credential: target.credential }) }]
        : [],
      // relay-only for TURN keeps host/srflx noise out of a TURN server's result
      iceTransportPolicy: kind === 'turn' ? 'relay' : 'all',
    });
  } catch (error) {
    // e.g. Chromium's cap of 500 peer connections per page: a fact about the page, not the network
    errors.push({ code: 0, text: options.redact(error instanceof Error ? error.message : String(error)) });
    return Promise.resolve({ serverIndex: target ? target.serverIndex : -1, url, kind, transport, outcome: 'peer-failed', candidates, errors, durationMs: Date.now() - started });
  }
  return new Promise<ServerResult>((resolve) => {
    let settled = false;
    const settle = (outcome: ServerOutcome): void => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onStop);
      pc.onicecandidate = null;
      pc.onicecandidateerror = null;
      void closePeer(pc);
      resolve({
        serverIndex: target ? target.serverIndex : -1,
        url,
        kind,
        transport,
        outcome,
        candidates,
        errors,
        ...(firstUsefulMs === undefined ? {} : { firstUsefulMs }),
        durationMs: Date.now() - started,
      });
    };
    const onStop = (): void => settle(options.stoppedAs());
    const ended = (): void => {
      if (errors.some((e) => e.code === UNAUTHORIZED)) settle('auth-failed');
      else if (errors.some((e) => e.code === UNREACHABLE)) settle('unreachable');
      // werift ends gathering when its STUN transaction gives up (5 s; docs/ARCHITECTURE.md, "werift") without an
      // error event: a late end without srflx is that give-up, not a deduplicated srflx
      else if (kind === 'stun' && candidates.length > 0) settle(Date.now() - started < STUN_GIVE_UP_MS ? 'no-srflx' : 'timeout');
      else settle('no-candidates');
    };
    pc.onicecandidate = (event) => {
      const line = event.candidate?.candidate;
      if (!line) {
        ended();
        return;
      }
      const relayProtocol = toServerTransport(event.candidate?.relayProtocol) ?? transport;
      const info = parseCandidate(line, Date.now() - started, relayProtocol);
      if (!info) return;
      candidates.push(info);
      options.onCandidate(url, info);
      if (info.type === wanted) {
        firstUsefulMs = info.atMs;
        settle('ok');
      }
    };
    pc.onicecandidateerror = (event) => {
      const code = typeof event.errorCode === 'number' ? event.errorCode : 0;
      errors.push({ code, text: options.redact(String(event.errorText ?? '')) || (ERROR_TEXT[code] ?? '') });
      // one server per peer connection: its 401 is final, a retry would only repeat it
      if (code === UNAUTHORIZED && kind === 'turn') settle('auth-failed');
      else if (code === UNREACHABLE) settle('unreachable');
    };
    options.signal.addEventListener('abort', onStop, { once: true });
    // an m-line is needed for anything to be gathered; a data channel is the cheapest one
    pc.createDataChannel('probe');
    pc.createOffer()
      .then((offer) => (settled ? undefined : pc.setLocalDescription(offer)))
      .then(() => settled || options.onGathering?.())
      .catch((error: unknown) => {
        errors.push({ code: 0, text: options.redact(error instanceof Error ? error.message : String(error)) });
        settle('no-candidates');
      });
  });
}
