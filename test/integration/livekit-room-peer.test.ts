import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import OpusScript from 'opusscript';
import { gzipSync } from 'node:zlib';
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  type RTCDataChannel,
} from 'werift';
import {
  AddTrackRequest,
  ClientInfo,
  ClientInfo_SDK,
  DataPacket,
  DataPacket_Kind,
  JoinRequest,
  LeaveRequest,
  SessionDescription,
  SignalRequest,
  SignalResponse,
  SignalTarget,
  TrackSource,
  TrackType,
  TrickleRequest,
  UserPacket,
  WrappedJoinRequest,
  WrappedJoinRequest_Compression,
} from '@livekit/protocol';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';

/**
 * The room's WebRTC side from Node: a werift client speaks the same protocol as
 * livekit-client (offer in the join request, answers echoing offer ids, trickle,
 * `_reliable` data channel, addTrack), host-to-host on loopback.
 */

let backend: Backend;
let room: LiveKitRoomService;

beforeAll(async () => {
  room = createLiveKitRoom({ apiKey: 'lk-key', apiSecret: 'lk-secret-that-is-long-enough-0123456789', iceServers: [] });
  backend = await startBackend({ apiKey: 'k', services: [room] });
});

afterAll(async () => {
  await backend?.stop();
});

function loopbackPeer(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    iceUseIpv6: false,
    iceUseTcp: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceFilterCandidatePair: (pair) => pair.remoteCandidate.host.startsWith('127.') && pair.localCandidate.host.startsWith('127.'),
    bundlePolicy: 'max-bundle',
  });
}

function joinParam(offer: SessionDescription): string {
  const inner = new JoinRequest({
    clientInfo: new ClientInfo({ sdk: ClientInfo_SDK.JS, version: '2.23.0', protocol: 16 }),
    publisherOffer: offer,
  }).toBinary();
  const wrapped = new WrappedJoinRequest({ compression: WrappedJoinRequest_Compression.GZIP, joinRequest: new Uint8Array(gzipSync(inner)) });
  return Buffer.from(wrapped.toBinary()).toString('base64url');
}

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function userPacket(message: unknown): Buffer {
  return Buffer.from(
    new DataPacket({
      kind: DataPacket_Kind.RELIABLE,
      value: { case: 'user', value: new UserPacket({ payload: new TextEncoder().encode(JSON.stringify(message)) }) },
    }).toBinary(),
  );
}

function readUserPacket(data: Buffer | string): unknown {
  const packet = DataPacket.fromBinary(new Uint8Array(data as Buffer));
  return packet.value.case === 'user' ? JSON.parse(new TextDecoder().decode(packet.value.value.payload)) : undefined;
}

describe('werift client against the room', () => {
  it('negotiates, gets bot-ready, the echo over _reliable and the bot\'s Opus voice, and counts the RTP of a published track', async () => {
    const pc = loopbackPeer();
    const reliable: RTCDataChannel = pc.createDataChannel('_reliable', { ordered: true });
    // an idle recvonly section first, as livekit-client offers three: the bot speaks on it
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const heard: Buffer[] = [];
    pc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((rtp) => heard.push(rtp.payload)));
    const track = new MediaStreamTrack({ kind: 'audio' });
    pc.addTransceiver(track, { direction: 'sendonly' });
    const inbound: unknown[] = [];
    reliable.onMessage.subscribe((data) => inbound.push(readUserPacket(data)));
    await pc.setLocalDescription(await pc.createOffer());

    const token = await room.issueToken('room-werift', 'alice');
    const offer = new SessionDescription({ type: 'offer', sdp: pc.localDescription!.sdp, id: 1 });
    const ws = new WebSocket(`ws://127.0.0.1:${backend.port}/rtc/v1?access_token=${token}&join_request=${joinParam(offer)}`);
    const frames: SignalResponse[] = [];
    ws.on('message', (d: Buffer) => {
      const frame = SignalResponse.fromBinary(new Uint8Array(d));
      frames.push(frame);
      if (frame.message.case === 'trickle') {
        void pc.addIceCandidate(JSON.parse(frame.message.value.candidateInit) as { candidate: string });
      }
    });
    pc.onIceCandidate.subscribe((c) => {
      if (!c || ws.readyState !== ws.OPEN) return;
      const request = new SignalRequest({
        message: { case: 'trickle', value: new TrickleRequest({ candidateInit: JSON.stringify(c.toJSON()), target: SignalTarget.PUBLISHER }) },
      });
      ws.send(request.toBinary());
    });
    try {
      const answer = await until(() => frames.find((f) => f.message.case === 'answer'), 'answer');
      expect(frames[0]?.message.case).toBe('join');
      const sd = answer.message.case === 'answer' ? answer.message.value : undefined;
      expect(sd?.id).toBe(1);
      expect(sd?.sdp).not.toMatch(/^m=(audio|video) 0 /m);
      for (const line of sd!.sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'))) {
        expect(line.split(' ')[4]).toMatch(/^127\./);
      }
      // the bot's track: announced in the join response, sent on the recvonly section, mapped by mid
      const join = frames[0]?.message.case === 'join' ? frames[0].message.value : undefined;
      const botInfo = join?.otherParticipants[0];
      const botTrack = botInfo?.tracks[0];
      expect(botTrack).toMatchObject({ type: TrackType.AUDIO, source: TrackSource.MICROPHONE, mimeType: 'audio/opus' });
      expect(botTrack?.sid).toMatch(/^TR_/);
      expect(sd?.midToTrackId).toEqual({ '0': botTrack?.sid });
      const botSection = sd!.sdp.split(/\r\nm=/)[1] ?? '';
      expect(botSection).toMatch(/^audio /);
      expect(botSection).toContain('a=sendonly');
      expect(botSection).toContain(`a=msid:${botInfo?.sid}|${botTrack?.sid} `);
      await pc.setRemoteDescription({ type: 'answer', sdp: sd!.sdp });

      await until(() => inbound.find((m) => (m as { type?: string }).type === 'bot-ready'), 'bot-ready');
      reliable.send(userPacket({ type: 'user_text_message', data: { text: 'from werift' } }));
      const reply = await until(() => inbound.find((m) => (m as { type?: string }).type === 'bot-llm-text'), 'reply');
      expect(reply).toEqual({ type: 'bot-llm-text', data: { text: 'You said: from werift' } });
      await until(() => inbound.find((m) => (m as { type?: string }).type === 'bot-stopped-speaking'), 'bot-stopped-speaking');
      // 300 ms of tone = 15 Opus packets, which decode to the 440 Hz tone at peak 0.25
      expect(heard.length).toBeGreaterThanOrEqual(14);
      const decoder = new OpusScript(48_000, 1);
      try {
        const pcm = Buffer.concat(heard.slice(2).map((p) => decoder.decode(p)));
        let peak = 0;
        for (let i = 0; i + 1 < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)) / 0x8000);
        expect(peak).toBeGreaterThan(0.15);
        expect(peak).toBeLessThan(0.4);
      } finally {
        decoder.delete();
      }
      expect(inbound.map((m) => (m as { type: string }).type)).toEqual([
        'bot-ready',
        'bot-llm-started',
        'bot-llm-text',
        'bot-llm-stopped',
        'bot-started-speaking',
        'bot-stopped-speaking',
      ]);

      ws.send(
        new SignalRequest({
          message: { case: 'addTrack', value: new AddTrackRequest({ cid: 'mic-1', name: 'microphone', type: TrackType.AUDIO, source: TrackSource.MICROPHONE }) },
        }).toBinary(),
      );
      const published = await until(() => frames.find((f) => f.message.case === 'trackPublished'), 'trackPublished');
      expect(published.message.case === 'trackPublished' && published.message.value.cid).toBe('mic-1');
      for (let i = 0; i < 20; i++) {
        track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: i, timestamp: i * 960, marker: i === 0 }), Buffer.alloc(40)));
        await new Promise((r) => setTimeout(r, 20));
      }
      await until(() => (room.micPackets('room-werift') > 0 ? true : undefined), 'mic packets at the room');
      expect(room.stats().sessions.find((s) => s.roomName === 'room-werift')).toMatchObject({
        dataMessagesReceived: 1,
        tracksPublished: 1,
        peerState: 'connected',
      });

      ws.send(new SignalRequest({ message: { case: 'leave', value: new LeaveRequest() } }).toBinary());
      await until(() => (room.stats().roomsOpen === 0 ? true : undefined), 'room closed after leave');
    } finally {
      ws.terminate();
      await pc.close();
    }
  });

  it('survives a client that vanishes mid-negotiation, before its offer is answered', async () => {
    const pc = loopbackPeer();
    pc.createDataChannel('_reliable');
    await pc.setLocalDescription(await pc.createOffer());
    const offer = new SessionDescription({ type: 'offer', sdp: pc.localDescription!.sdp, id: 1 });
    const token = await room.issueToken('room-vanish-mid', 'alice');
    const joinsBefore = room.stats().joins;
    const ws = new WebSocket(`ws://127.0.0.1:${backend.port}/rtc/v1?access_token=${token}&join_request=${joinParam(offer)}`);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.terminate();
    await pc.close();
    await until(() => (room.stats().joins > joinsBefore && room.stats().roomsOpen === 0 ? true : undefined), 'cleanup');
    const session = room.stats().sessions.find((s) => s.roomName === 'room-vanish-mid');
    expect(session?.closeReason).toBe('signalling socket closed');
    // the room still serves: a fresh token joins at once
    const again = new WebSocket(
      `ws://127.0.0.1:${backend.port}/rtc/v1?access_token=${await room.issueToken('room-after', 'bob')}&join_request=${joinParam(offer)}`,
    );
    const first = await new Promise<SignalResponse>((resolve) => again.once('message', (d: Buffer) => resolve(SignalResponse.fromBinary(new Uint8Array(d)))));
    expect(first.message.case).toBe('join');
    again.terminate();
  });

  it('injects faults: no answer, a dropped peer, a closed signalling socket', async () => {
    const pc = loopbackPeer();
    pc.createDataChannel('_reliable');
    await pc.setLocalDescription(await pc.createOffer());
    const offer = new SessionDescription({ type: 'offer', sdp: pc.localDescription!.sdp, id: 1 });
    const open = async (name: string): Promise<{ ws: WebSocket; frames: SignalResponse[]; closed: Promise<number> }> => {
      const ws = new WebSocket(
        `ws://127.0.0.1:${backend.port}/rtc/v1?access_token=${await room.issueToken(name, 'alice')}&join_request=${joinParam(offer)}`,
      );
      const frames: SignalResponse[] = [];
      ws.on('message', (d: Buffer) => frames.push(SignalResponse.fromBinary(new Uint8Array(d))));
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      await until(() => frames[0], `join ${name}`);
      return { ws, frames, closed };
    };
    try {
      room.faults.withholdAnswer = true;
      const silent = await open('room-no-answer');
      // absence can only be shown by waiting: an answer takes ~10 ms here, 500 ms is ample
      await new Promise((r) => setTimeout(r, 500));
      expect(silent.frames.some((f) => f.message.case === 'answer')).toBe(false);
      silent.ws.terminate();
      room.faults.withholdAnswer = false;

      room.faults.closeSignalAfterMs = 100;
      const closing = await open('room-close-signal');
      expect(await closing.closed).toBe(1011);
      room.faults.closeSignalAfterMs = undefined;

      room.faults.dropPeerAfterMs = 50;
      const dropped = await open('room-drop-peer');
      await until(
        () => (room.stats().sessions.find((s) => s.roomName === 'room-drop-peer')?.peerState === 'closed' ? true : undefined),
        'peer dropped',
      );
      dropped.ws.terminate();
    } finally {
      room.faults.withholdAnswer = false;
      room.faults.closeSignalAfterMs = undefined;
      room.faults.dropPeerAfterMs = undefined;
      await pc.close();
    }
    await until(() => (room.stats().roomsOpen === 0 ? true : undefined), 'cleanup');
  });
});
