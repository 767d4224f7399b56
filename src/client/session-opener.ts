import { AbortedError } from '../errors/aborted-error.js';
import { TransportError, type TransportKind } from '../errors/transport-error.js';
import type { PrepareOptions } from './auto-registry.js';
import { requestSession, type BackendSession } from './backend.js';
import type { ResolvedConfig } from './config.js';
import { PreparedSession } from './prepared-session.js';
import { createSession, type ClientInternals } from './session-factory.js';

/**
 * Opens sessions for the lifecycle: the backend call, then a session connected but not in
 * use; it is closed again when its connect fails or is aborted.
 */
export class SessionOpener {
  constructor(
    private readonly config: ResolvedConfig,
    private readonly internals: ClientInternals,
    /** The client's mic setting and conversation, read at each open. */
    private readonly current: () => { readonly micOn: boolean; readonly sessionId: string | undefined },
  ) {}

  requestBackend(transport: TransportKind, signal: AbortSignal, characterSessionId?: string): Promise<BackendSession> {
    const resume = characterSessionId ?? this.current().sessionId;
    return requestSession(this.config, transport, {
      signal,
      ...(resume ? { characterSessionId: resume } : {}),
      ...(this.internals.fetch ? { fetch: this.internals.fetch } : {}),
    });
  }

  /** One transport, one attempt: backend call (unless given), session, connect; not yet in use. */
  async prepare(transport: TransportKind, options: PrepareOptions): Promise<PreparedSession> {
    const { signal } = options;
    const backend = options.backendSession ?? (await this.requestBackend(transport, signal, options.characterSessionId));
    if (signal.aborted) throw new AbortedError('connect()', signal.reason);
    if (backend.target.transport !== transport) {
      throw new TransportError('CONNECT_FAILED', `Backend answered for ${backend.target.transport}, not ${transport}.`, { transport });
    }
    const prepared = new PreparedSession(
      (onMessage) => createSession(transport, onMessage, this.current().micOn, this.config, this.internals),
      backend.characterSessionId,
    );
    const offIce = options.onIceServers ? prepared.session.on('iceServers', options.onIceServers) : undefined;
    try {
      await prepared.session.connect(backend.target, { signal, timeoutMs: this.config.connectTimeoutMs });
      if (signal.aborted) throw new AbortedError('connect()', signal.reason);
    } catch (error) {
      await prepared.discard();
      throw error;
    } finally {
      offIce?.();
    }
    return prepared;
  }
}
