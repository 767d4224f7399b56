import { Room, type RoomOptions } from 'livekit-client';

type Added = readonly [EventListenerOrEventListenerObject, boolean | AddEventListenerOptions | undefined];

/**
 * A LiveKit `Room`, and a `release()` that lets it be garbage-collected once disconnected.
 *
 * livekit-client 2.23's `Room` constructor adds a `devicechange` listener to
 * `navigator.mediaDevices` and, where `FinalizationRegistry` exists, registers a cleanup
 * with `Room.cleanupRegistry` that removes it when the room is collected. That cleanup
 * closure shares the constructor's scope, which holds the room itself, and a registry holds
 * its cleanups strongly: the room can never be collected. So the room is built with the
 * registry off (livekit-client's own fallback: a plain listener), the listeners the
 * constructor adds are captured, and `release()` removes them. The registry is put back at
 * once, for the app's own rooms. Measured and explained in docs/ARCHITECTURE.md,
 * "livekit-client 2.23: what stays in memory".
 */
export function createRoom(options: RoomOptions): { readonly room: Room; release(): void } {
  const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  const registry = Room.cleanupRegistry;
  if (!media) return { room: new Room(options), release: () => undefined };
  const added: Added[] = [];
  const own = Object.prototype.hasOwnProperty.call(media, 'addEventListener');
  const original = media.addEventListener;
  media.addEventListener = function (this: MediaDevices, type: string, listener: EventListenerOrEventListenerObject | null, opts?: boolean | AddEventListenerOptions) {
    if (type === 'devicechange' && listener) added.push([listener, opts]);
    original.call(this, type, listener as EventListenerOrEventListenerObject, opts);
  } as MediaDevices['addEventListener'];
  Room.cleanupRegistry = false;
  let room: Room;
  try {
    room = new Room(options);
  } finally {
    Room.cleanupRegistry = registry;
    if (own) media.addEventListener = original;
    else delete (media as { addEventListener?: unknown }).addEventListener;
  }
  return {
    room,
    release: () => {
      for (const [listener, opts] of added.splice(0)) {
        media.removeEventListener('devicechange', listener, typeof opts === 'boolean' ? opts : { capture: opts?.capture ?? false });
      }
    },
  };
}

/** The parts of livekit-client 2.23's (internal) engine read here; the version is pinned. */
interface EngineInternals {
  readonly pcManager?: {
    readonly publisher?: { readonly _pc?: RTCPeerConnection | null };
    readonly subscriber?: { readonly _pc?: RTCPeerConnection | null };
  };
}

/** The peer connections a LiveKit engine holds now (none once it has closed them). */
export function peerConnectionsOf(engine: unknown): RTCPeerConnection[] {
  const manager = (engine as EngineInternals | undefined)?.pcManager;
  return [manager?.publisher?._pc, manager?.subscriber?._pc].filter((pc): pc is RTCPeerConnection => !!pc);
}

const PEER_HANDLERS = [
  'onicecandidate', 'onicecandidateerror', 'oniceconnectionstatechange', 'onicegatheringstatechange', 'onconnectionstatechange',
  'onsignalingstatechange', 'onnegotiationneeded', 'ondatachannel', 'ontrack',
] as const;

/**
 * Clears the event handlers of a closed peer connection. livekit-client 2.23's
 * `PCTransport.close()` clears all of them but `onicecandidateerror`, and Chromium keeps a
 * peer connection that was closed while still gathering candidates alive (its pending
 * gathering-state change is a root): through that one handler's closure, the whole room,
 * engine and token stayed with it. Found by the soak's churn of `auto` falling back,
 * where the browser's UDP policy leaves gathering unfinished (docs/ARCHITECTURE.md,
 * "livekit-client 2.23: what stays in memory").
 */
export function dropHandlers(pc: RTCPeerConnection): void {
  if (pc.signalingState !== 'closed') return;
  for (const name of PEER_HANDLERS) pc[name] = null;
}
