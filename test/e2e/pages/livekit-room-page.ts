import { Room, RoomEvent } from 'livekit-client';

/**
 * livekit-client alone (no ConvaiClient) against the local room: proves the
 * room speaks LiveKit's protocol, whatever the library on top does.
 */

const received: string[] = [];
let room: Room | undefined;

async function join(url: string, token: string, policy: RTCIceTransportPolicy): Promise<{ ok: boolean; error?: string }> {
  room = new Room({ adaptiveStream: false, dynacast: false });
  room.on(RoomEvent.DataReceived, (payload: Uint8Array) => received.push(new TextDecoder().decode(payload)));
  try {
    await room.connect(url, token, { autoSubscribe: true, maxRetries: 0, rtcConfig: { iceTransportPolicy: policy } });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

const api = {
  join,
  received: () => received.slice(),
  publishData: (text: string) => room!.localParticipant.publishData(new TextEncoder().encode(text), { reliable: true }),
  enableMic: async () => {
    await room!.localParticipant.setMicrophoneEnabled(true);
  },
  state: () => room?.state,
  leave: () => room?.disconnect(),
};

declare global {
  interface Window {
    lkRoom: typeof api;
    lkRoomReady: boolean;
  }
}
window.lkRoom = api;
window.lkRoomReady = true;
