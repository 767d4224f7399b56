import type { ConvaiError } from '../errors/convai-error.js';
import type { TransportKind } from '../errors/transport-error.js';
import type { TransportSession } from '../transports/transport-session.js';
import type { CandidateSession } from './auto-registry.js';

/** Messages kept for a session not yet in use; past this they are dropped (a bot never sends that many unasked). */
const BUFFER_LIMIT = 256;

/** What a session may report before it is adopted, replayed at adoption. */
export type EarlyEvent = { readonly kind: 'error'; readonly error: ConvaiError } | { readonly kind: 'botAudioTrack'; readonly track: MediaStreamTrack };

/**
 * A connected session that is not (yet) the client's: the negotiator races it, or keeps
 * it ready for an upgrade. Its inbound messages and its `error`/`botAudioTrack` events
 * wait until it is adopted, so nothing that arrives between its connect and its adoption
 * (a `bot-ready`, a mic error) is lost; a loss before adoption is remembered, and
 * adoption then refuses it.
 */
export class PreparedSession implements CandidateSession {
  readonly session: TransportSession;
  readonly characterSessionId: string | undefined;
  private deliver: ((payload: Uint8Array) => void) | undefined;
  private readonly buffer: Uint8Array[] = [];
  private readonly early: EarlyEvent[] = [];
  private lostReason: string | undefined;
  private readonly off: (() => void)[];

  constructor(
    create: (onMessage: (payload: Uint8Array) => void) => TransportSession,
    characterSessionId: string | undefined,
  ) {
    this.session = create((payload) => {
      if (this.deliver) this.deliver(payload);
      else if (this.buffer.length < BUFFER_LIMIT) this.buffer.push(payload);
    });
    this.characterSessionId = characterSessionId;
    this.off = [
      this.session.on('disconnected', ({ reason }) => {
        this.lostReason = reason;
      }),
      this.session.on('error', (error) => this.early.push({ kind: 'error', error })),
      this.session.on('botAudioTrack', (track) => this.early.push({ kind: 'botAudioTrack', track })),
    ];
  }

  get transport(): TransportKind {
    return this.session.transport;
  }

  /** Why the session ended before it was adopted, if it did. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  /** Hands the session over: early events to `replay`, then messages to `deliver`, the buffered ones first. */
  adopt(deliver: (payload: Uint8Array) => void, replay: (event: EarlyEvent) => void): void {
    for (const off of this.off) off();
    for (const event of this.early.splice(0)) replay(event);
    this.deliver = deliver;
    for (const payload of this.buffer.splice(0)) deliver(payload);
  }

  discard(): Promise<void> {
    for (const off of this.off) off();
    this.buffer.length = 0;
    this.early.length = 0;
    return this.session.disconnect();
  }
}
