import { gunzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import {
  ICEServer,
  JoinRequest,
  JoinResponse,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  Room,
  ServerInfo,
  ServerInfo_Edition,
  SignalRequest,
  SignalResponse,
  TrackInfo,
  TrackPublishedResponse,
  TrackSource,
  TrackType,
  WrappedJoinRequest,
  type AddTrackRequest,
  WrappedJoinRequest_Compression,
} from '@livekit/protocol';

/** Reported as `server_info.version`: livekit-client refuses an empty one ("unknown server version"). */
export const SERVER_VERSION = '1.9.0-convai-local';
/** The protocol version livekit-client 2.23 speaks (`client_info.protocol`). */
export const SERVER_PROTOCOL = 16;
/** Cap on a `join_request` query value: a real offer is ~5 KB, gzip'd ~2 KB. */
const MAX_JOIN_REQUEST_BYTES = 256 * 1024;
/** Cap on an inflated JoinRequest, so a gzip bomb cannot take the backend down. */
const MAX_INFLATED_BYTES = 1024 * 1024;

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** A plain description of an ICE server, as the backend's options take it. */
export interface IceServerConfig {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_\-+/]*={0,2}$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/**
 * Decodes the `join_request` query parameter of `/rtc/v1`: base64url of a
 * `WrappedJoinRequest` whose payload is a `JoinRequest`, gzip'd when the browser
 * has CompressionStream (livekit-client `createJoinRequestConnectionParams`).
 */
export function decodeJoinRequest(param: string): DecodeResult<JoinRequest> {
  if (param.length > MAX_JOIN_REQUEST_BYTES) return { ok: false, reason: 'join_request is too large' };
  const bytes = fromBase64Url(param);
  if (!bytes) return { ok: false, reason: 'join_request is not base64url' };
  try {
    const wrapped = WrappedJoinRequest.fromBinary(bytes);
    let inner = wrapped.joinRequest;
    if (wrapped.compression === WrappedJoinRequest_Compression.GZIP) {
      inner = new Uint8Array(gunzipSync(inner, { maxOutputLength: MAX_INFLATED_BYTES }));
    } else if (wrapped.compression !== WrappedJoinRequest_Compression.NONE) {
      return { ok: false, reason: `unknown join_request compression ${String(wrapped.compression)}` };
    }
    return { ok: true, value: JoinRequest.fromBinary(inner) };
  } catch (error) {
    return { ok: false, reason: `join_request could not be decoded: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Decodes one binary signalling frame from the client. Never throws. */
export function decodeSignalRequest(data: Uint8Array): DecodeResult<SignalRequest> {
  try {
    const request = SignalRequest.fromBinary(data);
    if (request.message.case === undefined) return { ok: false, reason: 'empty or unknown signal request' };
    return { ok: true, value: request };
  } catch (error) {
    return { ok: false, reason: `malformed signal request: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export function encodeSignalResponse(message: SignalResponse['message']): Uint8Array {
  return new SignalResponse({ message }).toBinary();
}

export function toProtoIceServers(servers: readonly IceServerConfig[]): ICEServer[] {
  return servers.map(
    (s) =>
      new ICEServer({
        urls: typeof s.urls === 'string' ? [s.urls] : [...s.urls],
        username: s.username ?? '',
        credential: s.credential ?? '',
      }),
  );
}

export interface ParticipantDescription {
  readonly sid: string;
  readonly identity: string;
  readonly name?: string;
  readonly kind?: ParticipantInfo_Kind;
  /** Tracks the participant publishes (the bot's voice). */
  readonly tracks?: readonly TrackInfo[];
}

/**
 * How a LiveKit server announces a participant's microphone track: livekit-client makes a
 * `RemoteTrackPublication` of it and, with auto-subscribe, waits for the media to arrive
 * on the peer connection under the same sid.
 */
export function audioTrackInfo(sid: string, name: string): TrackInfo {
  return new TrackInfo({
    sid,
    type: TrackType.AUDIO,
    name,
    source: TrackSource.MICROPHONE,
    mimeType: 'audio/opus',
    muted: false,
  });
}

export function participantInfo(p: ParticipantDescription): ParticipantInfo {
  const now = Date.now();
  return new ParticipantInfo({
    sid: p.sid,
    identity: p.identity,
    name: p.name ?? p.identity,
    state: ParticipantInfo_State.ACTIVE,
    kind: p.kind ?? ParticipantInfo_Kind.STANDARD,
    joinedAt: BigInt(Math.floor(now / 1000)),
    joinedAtMs: BigInt(now),
    version: 1,
    permission: new ParticipantPermission({ canSubscribe: true, canPublish: true, canPublishData: true }),
    tracks: [...(p.tracks ?? [])],
  });
}

export interface JoinResponseInput {
  readonly roomName: string;
  readonly roomSid: string;
  readonly participant: ParticipantDescription;
  readonly others: readonly ParticipantDescription[];
  readonly iceServers: readonly IceServerConfig[];
  /** Seconds, as LiveKit sends them. */
  readonly pingInterval: number;
  readonly pingTimeout: number;
}

/**
 * The first frame a client must get (within 5 s). `subscriber_primary: false`
 * because with one peer connection the publisher is the primary one
 * (livekit-client `RTCEngine.join`).
 */
export function joinResponse(input: JoinResponseInput): SignalResponse['message'] {
  return {
    case: 'join',
    value: new JoinResponse({
      room: new Room({
        sid: input.roomSid,
        name: input.roomName,
        creationTime: BigInt(Math.floor(Date.now() / 1000)),
        numParticipants: 1 + input.others.length,
      }),
      participant: participantInfo(input.participant),
      otherParticipants: input.others.map(participantInfo),
      serverVersion: SERVER_VERSION,
      serverInfo: new ServerInfo({
        edition: ServerInfo_Edition.Standard,
        version: SERVER_VERSION,
        protocol: SERVER_PROTOCOL,
        nodeId: 'local',
      }),
      iceServers: toProtoIceServers(input.iceServers),
      subscriberPrimary: false,
      pingInterval: input.pingInterval,
      pingTimeout: input.pingTimeout,
    }),
  };
}

/**
 * The reply to `addTrack`: livekit-client's publish waits up to 10 s for a
 * `trackPublished` carrying its `cid` before it sends the offer with the track.
 */
export function trackPublished(req: AddTrackRequest): SignalResponse['message'] {
  const track = new TrackInfo({
    sid: `TR_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
    type: req.type,
    name: req.name,
    source: req.source,
    muted: req.muted,
    mimeType: 'audio/opus',
    stream: req.stream,
  });
  return { case: 'trackPublished', value: new TrackPublishedResponse({ cid: req.cid, track }) };
}
