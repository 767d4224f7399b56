import type { BackendSession } from '../client/backend.js';
import type { CandidateSession, NegotiationHost } from '../client/auto-registry.js';
import { linkSignal, type LinkedSignal } from '../util/abort.js';
import { elapsed, now } from '../util/clock.js';

/**
 * The WebSocket side of an `'auto'` connect. At the first evidence of trouble it gets ready
 * beside the LiveKit attempt (chunk, `/connect` resuming the conversation LiveKit's answer
 * created, and the connect itself, as a session not yet in use), so a WebSocket verdict
 * adopts a session instead of starting one. When WebRTC wins it is closed: a network that
 * showed trouble pays one backend session and one socket for a fallback it did not need;
 * a healthy network never starts it.
 */
export class WebSocketFallback {
  private ready: Promise<CandidateSession> | undefined;
  private startedAt = 0;
  private attempt: LinkedSignal | undefined;

  constructor(
    private readonly host: NegotiationHost,
    private readonly signal: AbortSignal,
    /** Makes the WebSocket transport available (the chunk), once. */
    private readonly load: () => Promise<unknown>,
  ) {}

  /** Starts getting ready, once; later calls return the same attempt. */
  prepare(resume: BackendSession | undefined): Promise<CandidateSession> {
    if (!this.ready) {
      this.startedAt = now();
      this.attempt = linkSignal(this.signal);
      const { signal } = this.attempt;
      this.ready = Promise.all([this.load(), this.host.requestBackend('websocket', signal, resume?.characterSessionId)]).then(([, backend]) =>
        this.host.prepareTransport('websocket', { signal, backendSession: backend }),
      );
      this.ready.catch(() => undefined);
    }
    return this.ready;
  }

  /**
   * Makes it the client's session (getting it ready now if no trouble came first);
   * resolves to the time since it started. On failure nothing stays open.
   */
  async use(resume: BackendSession | undefined): Promise<number> {
    try {
      const candidate = await this.prepare(resume);
      this.host.emit({ phase: 'connecting', transport: 'websocket' });
      this.host.useTransport(candidate);
      return elapsed(this.startedAt);
    } finally {
      this.attempt?.dispose();
    }
  }

  /** Not needed: stops it and closes a session that connected. */
  discard(): void {
    this.attempt?.abort(new Error('the negotiation decided without the WebSocket fallback'));
    this.attempt?.dispose();
    void this.ready?.then((candidate) => candidate.discard(), () => undefined);
  }
}
