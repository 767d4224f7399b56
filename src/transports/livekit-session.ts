import { DisconnectReason, RoomEvent, Track, type RemoteTrack, type Room } from 'livekit-client';
import { TypedEmitter } from '../util/emitter.js';
import { TransportError } from '../errors/transport-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import { redact, redactUrlsIn } from '../util/redact.js';
import { createRoom, dropHandlers, peerConnectionsOf } from './livekit-room.js';
import type {
  ConnectTarget,
  SessionConnectOptions,
  TransportSession,
  TransportSessionEvents,
} from './transport-session.js';

export interface LiveKitSessionOptions {
  /** Publish the microphone as soon as the room is connected. */
  readonly enableMic: boolean;
  /** Convai uses `'relay'`: media and data go through TURN only. */
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  /** Replaces the ICE servers of the join response when set. */
  readonly iceServers?: readonly RTCIceServer[];
}

/** What this session reads of livekit-client's (internal) engine event with the join response. */
interface JoinEmitter {
  on(event: 'joined', listener: (join: { readonly iceServers: readonly { urls: string[]; username: string; credential: string }[] }) => void): unknown;
}

/** LiveKit's disconnect reasons that mean "the caller asked for it". */
const CLIENT_INITIATED = new Set<DisconnectReason | undefined>([DisconnectReason.CLIENT_INITIATED]);

/**
 * A Convai session over LiveKit: one `Room`, Convai messages as reliable data
 * packets, the mic as a published track, the bot's audio played by an element.
 */
export class LiveKitSession implements TransportSession {
  readonly transport = 'livekit' as const;
  private readonly events = new TypedEmitter<TransportSessionEvents>();
  private room: Room | undefined;
  private micEnabled: boolean;
  private closing = false;
  private readonly audioElements = new Set<HTMLMediaElement>();
  /** Engines this session's room used; see `releaseLeakedPeerConnections`. */
  private readonly engines = new Set<Room['engine']>();
  /** Every peer connection the engines held, whose handlers are dropped at the end (see `dropHandlers`). */
  private readonly peerConnections = new Set<RTCPeerConnection>();
  /** Lets the room be collected after disconnect (see livekit-room.ts). */
  private releaseRoom: () => void = () => undefined;

  constructor(
    private readonly onMessage: (payload: Uint8Array) => void,
    private readonly options: LiveKitSessionOptions,
  ) {
    this.micEnabled = options.enableMic;
  }

  get isMicrophoneEnabled(): boolean {
    return this.micEnabled;
  }

  on<E extends keyof TransportSessionEvents>(
    event: E,
    listener: (payload: TransportSessionEvents[E]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  async connect(target: ConnectTarget, options: SessionConnectOptions): Promise<void> {
    if (target.transport !== 'livekit') {
      throw new TransportError('CONNECT_FAILED', 'LiveKit session was given a non-LiveKit target.', {
        transport: 'livekit',
      });
    }
    if (options.signal?.aborted) throw new AbortedError('LiveKit connect', options.signal.reason);
    const { room, release } = createRoom({ adaptiveStream: false, dynacast: false, disconnectOnPageLeave: true });
    this.room = room;
    this.releaseRoom = release;
    this.wire(room);
    this.engines.add(room.engine);

    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TransportError('CONNECT_TIMEOUT', `LiveKit connect did not finish within ${options.timeoutMs} ms.`, {
              transport: 'livekit',
            }),
          ),
        options.timeoutMs,
      );
      onAbort = () => reject(new AbortedError('LiveKit connect', options.signal?.reason));
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const rtcConfig: RTCConfiguration = { iceTransportPolicy: this.options.iceTransportPolicy };
    if (this.options.iceServers) rtcConfig.iceServers = [...this.options.iceServers];
    const connecting = room.connect(target.roomUrl, target.token, {
      autoSubscribe: true,
      rtcConfig,
      // one initial attempt: the negotiator, not LiveKit, decides what to try next
      maxRetries: 0,
      peerConnectionTimeout: options.timeoutMs,
      websocketTimeout: options.timeoutMs,
    });
    // a connect we stopped waiting for may still create a peer connection; release it when it settles
    connecting.catch(async () => {
      if (this.closing) await this.releaseLeakedPeerConnections();
    });
    try {
      await Promise.race([connecting, cancelled]);
      if (this.micEnabled) {
        // an unanswered permission prompt must hold neither connect() past its deadline
        // nor disconnect(): at the deadline the publish goes on alone and reports by itself
        const mic = this.publishMic(room, true);
        await Promise.race([mic, cancelled.catch((error: unknown) => {
          if (error instanceof AbortedError) throw error;
        })]);
      }
    } catch (error) {
      await this.disconnect();
      if (error instanceof AbortedError || error instanceof TransportError) throw error;
      throw new TransportError('CONNECT_FAILED', `LiveKit connect failed: ${redact(redactUrlsIn(describeError(error)), [target.token])}`, {
        transport: 'livekit',
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private wire(room: Room): void {
    // the TURN servers a LiveKit server hands out arrive only in its join response, which
    // livekit-client 2.23 emits on its engine as 'joined' (internal: the version is pinned,
    // and the e2e tests on the Convai-shaped backend depend on it)
    (room.engine as unknown as JoinEmitter).on('joined', (join) => {
      const servers: RTCIceServer[] = this.options.iceServers
        ? [...this.options.iceServers]
        : join.iceServers.map((s) => ({ urls: [...s.urls], username: s.username, credential: s.credential }));
      this.events.emit('iceServers', servers);
    });
    room.on(RoomEvent.DataReceived, (payload: Uint8Array) => this.onMessage(payload));
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.kind !== Track.Kind.Audio) return;
      const element = track.attach();
      this.audioElements.add(element);
      this.events.emit('botAudioTrack', track.mediaStreamTrack);
    });
    room.on(RoomEvent.Reconnecting, () => {
      // a full rejoin replaces the peer connections: the old ones are closed by livekit-client
      this.notePeerConnections();
      this.events.emit('reconnecting', { reason: 'signal or media lost' });
    });
    // a resume (the first try after a lost peer connection or signal socket) is announced
    // only as SignalReconnecting; without it a session lost during a resume looked
    // like one the server ended on purpose (found by test/e2e/fault-livekit.test.ts)
    room.on(RoomEvent.SignalReconnecting, () => this.events.emit('reconnecting', { reason: 'resuming the signal connection' }));
    room.on(RoomEvent.Reconnected, () => this.events.emit('reconnected', {}));
    room.on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
      if (this.closing || CLIENT_INITIATED.has(reason)) return;
      const name = reason === undefined ? 'unknown' : (DisconnectReason[reason] ?? String(reason));
      this.events.emit('disconnected', {
        reason: `LiveKit room disconnected (${name})`,
        error: new TransportError('CONNECTION_LOST', `LiveKit room disconnected (${name}).`, {
          transport: 'livekit',
        }),
      });
      void this.disconnect();
    });
  }

  async send(payload: Uint8Array): Promise<void> {
    const room = this.room;
    if (!room || room.state !== 'connected') {
      throw new TransportError('NOT_CONNECTED', 'Cannot send: the LiveKit room is not connected.', {
        transport: 'livekit',
      });
    }
    // publishData wants an ArrayBuffer-backed view; messages are small, a copy is cheap
    await room.localParticipant.publishData(new Uint8Array(payload), { reliable: true });
  }

  /**
   * A missing or denied mic (no device, permission refused, an insecure origin
   * without `navigator.mediaDevices`) leaves a working text session: report it,
   * do not fail the connect. The Pipecat session behaves the same.
   */
  private async publishMic(room: Room, enabled: boolean): Promise<void> {
    try {
      await room.localParticipant.setMicrophoneEnabled(enabled);
      // a permission granted after disconnect() must not leave a live mic behind
      if (this.closing) for (const publication of room.localParticipant.audioTrackPublications.values()) publication.track?.stop();
    } catch (error) {
      if (this.closing) return;
      this.micEnabled = false;
      this.events.emit(
        'error',
        new TransportError('MICROPHONE_UNAVAILABLE', `Microphone unavailable: ${describeError(error)}`, {
          transport: 'livekit',
          cause: error,
        }),
      );
    }
  }

  async setMicrophoneDevice(deviceId: string): Promise<void> {
    const room = this.room;
    if (!room || room.state !== 'connected') throw new TransportError('NOT_CONNECTED', 'Cannot switch microphones: not connected.', { transport: 'livekit' });
    if (!(await room.switchActiveDevice('audioinput', deviceId, true))) {
      throw new TransportError('MICROPHONE_UNAVAILABLE', 'The microphone could not be switched.', { transport: 'livekit' });
    }
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.micEnabled = enabled;
    const room = this.room;
    if (room && room.state === 'connected') await this.publishMic(room, enabled);
  }

  async disconnect(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const room = this.room;
    this.room = undefined;
    for (const element of this.audioElements) element.remove();
    this.audioElements.clear();
    if (!room) return;
    this.notePeerConnections();
    try {
      await room.disconnect(true);
    } catch {
      // disconnect must never throw; the room is gone either way
    }
    this.engines.add(room.engine);
    await this.releaseLeakedPeerConnections();
    room.removeAllListeners();
    this.releaseRoom();
  }

  /**
   * livekit-client 2.23 creates the publisher RTCPeerConnection before the signal
   * join (the offer rides in the join request), but when the join fails (a 401, an
   * unreachable server, a timeout) `RTCEngine.close()` returns early because the
   * engine still counts as closed (`_isClosed` only turns false after a join
   * response), and `Room` swaps in a new engine: the peer connection is never
   * closed. Closing the peer connections of every engine we saw plugs that leak;
   * `cleanupPeerConnections` is idempotent. The same early return skips stopping the
   * 1 s interval that tunes the lossy data channel (started with the publisher's data
   * channels, before the join): found by the soak's churn with 'auto' falling back.
   */
  private async releaseLeakedPeerConnections(): Promise<void> {
    this.notePeerConnections();
    for (const engine of this.engines) {
      if (engine?.pcManager) await engine.cleanupPeerConnections().catch(() => undefined);
      (engine as unknown as { cleanupLossyDataStats?: () => void } | undefined)?.cleanupLossyDataStats?.();
    }
    for (const pc of this.peerConnections) dropHandlers(pc);
    this.peerConnections.clear();
  }

  private notePeerConnections(): void {
    for (const engine of this.engines) for (const pc of peerConnectionsOf(engine)) this.peerConnections.add(pc);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createLiveKitSession(
  onMessage: (payload: Uint8Array) => void,
  options: LiveKitSessionOptions,
): TransportSession {
  return new LiveKitSession(onMessage, options);
}
