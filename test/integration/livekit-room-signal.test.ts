import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { gzipSync } from 'node:zlib';
import { createHmac } from 'node:crypto';
import {
  ClientInfo,
  ClientInfo_SDK,
  DisconnectReason,
  JoinRequest,
  Ping,
  SignalRequest,
  SignalResponse,
  LeaveRequest_Action,
  WrappedJoinRequest,
  WrappedJoinRequest_Compression,
} from '@livekit/protocol';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';

/**
 * The room's signalling edge, spoken to by a raw `ws` client: tokens, the join
 * handshake, pings, malformed frames, clients that vanish, two at once, close().
 */

const API_KEY = 'lk-key';
const API_SECRET = 'lk-secret-that-is-long-enough-0123456789';
const ICE = [{ urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'], username: 'u', credential: 'p' }];

let backend: Backend;
let room: LiveKitRoomService;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  room = createLiveKitRoom({ apiKey: API_KEY, apiSecret: API_SECRET, iceServers: ICE, pingInterval: 1, pingTimeout: 2 });
  backend = await startBackend({ apiKey: 'k', services: [room] });
});

afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

afterAll(async () => {
  await backend?.stop();
});

function joinParam(request: JoinRequest, gzip = true): string {
  const inner = request.toBinary();
  const wrapped = new WrappedJoinRequest({
    compression: gzip ? WrappedJoinRequest_Compression.GZIP : WrappedJoinRequest_Compression.NONE,
    joinRequest: gzip ? new Uint8Array(gzipSync(inner)) : inner,
  });
  return Buffer.from(wrapped.toBinary()).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function plainJoin(): JoinRequest {
  return new JoinRequest({ clientInfo: new ClientInfo({ sdk: ClientInfo_SDK.JS, version: '2.23.0', protocol: 16 }) });
}

interface Opened {
  readonly ws: WebSocket;
  readonly frames: SignalResponse[];
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** Opens `/rtc/v1` and collects every frame; rejects with the HTTP status and body if refused. */
function openSignal(query: Record<string, string>, path = '/rtc/v1'): Promise<Opened> {
  const url = new URL(`ws://127.0.0.1:${backend.port}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const ws = new WebSocket(url);
  sockets.push(ws);
  const frames: SignalResponse[] = [];
  ws.on('message', (data: Buffer) => frames.push(SignalResponse.fromBinary(new Uint8Array(data))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { status: res.statusCode, body })));
    });
    ws.once('error', reject);
  });
}

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const send = (ws: WebSocket, message: SignalRequest['message']): void => ws.send(new SignalRequest({ message }).toBinary());

/** An HS256 JWT signed with the room's secret, built by hand so a test can set any claim. */
function signHs256(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${createHmac('sha256', API_SECRET).update(body).digest('base64url')}`;
}

async function validate(token: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${backend.url}/rtc/v1/validate?access_token=${encodeURIComponent(token)}`);
  return { status: res.status, body: await res.text() };
}

describe('tokens', () => {
  it('accepts a room token from /connect on validate, and the join names the token identity', async () => {
    const token = await room.issueToken('room-ok', 'alice');
    expect(await validate(token)).toEqual({ status: 200, body: 'success' });
    const { frames } = await openSignal({ access_token: token, join_request: joinParam(plainJoin()) });
    const first = await until(() => frames[0], 'join response');
    expect(first.message.case).toBe('join');
    const join = first.message.case === 'join' ? first.message.value : undefined;
    expect(join?.participant?.identity).toBe('alice');
    expect(join?.room?.name).toBe('room-ok');
    expect(join?.serverInfo?.version).not.toBe('');
    expect(join?.subscriberPrimary).toBe(false);
    expect(join?.pingInterval).toBe(1);
    expect(join?.pingTimeout).toBe(2);
    expect(join?.iceServers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential }))).toEqual(ICE);
    expect(join?.otherParticipants.map((p) => p.identity)).toEqual(['convai-bot']);
  });

  it('refuses a token signed with another secret: 401 on the upgrade and on validate, with a message', async () => {
    const foreign = createLiveKitRoom({ apiKey: API_KEY, apiSecret: 'some-other-secret-0123456789abcdef', iceServers: [] });
    const token = await foreign.issueToken('room-x', 'mallory');
    await foreign.close();
    await expect(openSignal({ access_token: token, join_request: joinParam(plainJoin()) })).rejects.toMatchObject({
      status: 401,
      body: 'invalid token: signature is invalid',
    });
    expect(await validate(token)).toEqual({ status: 401, body: 'invalid token: signature is invalid' });
  });

  it('refuses an expired token, a token without roomJoin, and no token at all', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = signHs256({ iss: API_KEY, sub: 'bob', nbf: now - 120, exp: now - 60, video: { roomJoin: true, room: 'r' } });
    const noGrant = signHs256({ iss: API_KEY, sub: 'bob', exp: now + 60, video: { roomList: true } });
    expect(await validate(expired)).toEqual({ status: 401, body: 'invalid token: token is expired (exp)' });
    expect(await validate(noGrant)).toEqual({ status: 401, body: 'permissions denied: token has no roomJoin grant' });
    await expect(openSignal({ join_request: joinParam(plainJoin()) })).rejects.toMatchObject({ status: 401 });
    expect(await validate('not-a-jwt')).toEqual({ status: 401, body: 'invalid token: token could not be parsed' });
  });
});

describe('join handshake edge cases', () => {
  it('refuses a missing, malformed or non-gzip-looking join_request with 400', async () => {
    const token = await room.issueToken('room-bad-join', 'alice');
    await expect(openSignal({ access_token: token })).rejects.toMatchObject({ status: 400 });
    await expect(openSignal({ access_token: token, join_request: '!!!' })).rejects.toMatchObject({ status: 400 });
    const garbage = Buffer.from(new WrappedJoinRequest({ compression: 1, joinRequest: new Uint8Array([1, 2, 3]) }).toBinary())
      .toString('base64url');
    await expect(openSignal({ access_token: token, join_request: garbage })).rejects.toMatchObject({ status: 400 });
    expect(room.stats().roomsOpen).toBe(0);
  });

  it('accepts an uncompressed join_request', async () => {
    const token = await room.issueToken('room-plain', 'alice');
    const { frames } = await openSignal({ access_token: token, join_request: joinParam(plainJoin(), false) });
    expect((await until(() => frames[0], 'join')).message.case).toBe('join');
  });

  it('answers a resume with leave{action: RECONNECT}, so the client rejoins in full at once', async () => {
    const token = await room.issueToken('room-resume', 'rita');
    const before = room.stats().resumesRedirected;
    const resume = plainJoin();
    resume.reconnect = true;
    const { frames, closed } = await openSignal({ access_token: token, join_request: joinParam(resume) });
    const first = await until(() => frames[0], 'leave');
    expect(first.message.case).toBe('leave');
    const leave = first.message.case === 'leave' ? first.message.value : undefined;
    expect(leave?.action).toBe(LeaveRequest_Action.RECONNECT);
    expect((await closed).code).toBe(1000);
    expect(room.stats().resumesRedirected).toBe(before + 1);
  });

  it('answers v0 /rtc with 404 (the local room serves only one peer connection)', async () => {
    const token = await room.issueToken('room-v0', 'alice');
    await expect(openSignal({ access_token: token }, '/rtc')).rejects.toMatchObject({ status: 404 });
  });

  it('answers ping with pong and pingReq with pongResp', async () => {
    const token = await room.issueToken('room-ping', 'alice');
    const { ws, frames } = await openSignal({ access_token: token, join_request: joinParam(plainJoin()) });
    await until(() => frames[0], 'join');
    send(ws, { case: 'ping', value: 42n });
    send(ws, { case: 'pingReq', value: new Ping({ timestamp: 4242n, rtt: 1n }) });
    const pong = await until(() => frames.find((f) => f.message.case === 'pong'), 'pong');
    const pongResp = await until(() => frames.find((f) => f.message.case === 'pongResp'), 'pongResp');
    expect(pong.message.value).toBe(42n);
    expect(pongResp.message.case === 'pongResp' && pongResp.message.value.lastPingTimestamp).toBe(4242n);
  });
});

describe('bad input and vanishing clients', () => {
  it('closes the session with 1007 on a malformed binary frame, and keeps serving', async () => {
    const token = await room.issueToken('room-garbage', 'alice');
    const { ws, frames, closed } = await openSignal({ access_token: token, join_request: joinParam(plainJoin()) });
    await until(() => frames[0], 'join');
    ws.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    const close = await closed;
    expect(close.code).toBe(1007);
    expect(close.reason).toMatch(/^protocol error: /);
    await until(() => (room.stats().roomsOpen === 0 ? true : undefined), 'room cleanup');
    const again = await openSignal({ access_token: token, join_request: joinParam(plainJoin()) });
    expect((await until(() => again.frames[0], 'join')).message.case).toBe('join');
  });

  it('closes the session on a text frame', async () => {
    const token = await room.issueToken('room-text', 'alice');
    const { ws, frames, closed } = await openSignal({ access_token: token, join_request: joinParam(plainJoin()) });
    await until(() => frames[0], 'join');
    ws.send('{"offer":{}}');
    expect((await closed).code).toBe(1007);
  });

  it('cleans up after a client that drops its TCP connection', async () => {
    const token = await room.issueToken('room-vanish', 'alice');
    const { ws, frames } = await openSignal({ access_token: token, join_request: joinParam(plainJoin()) });
    await until(() => frames[0], 'join');
    expect(room.stats().sessions.at(-1)?.roomName).toBe('room-vanish');
    ws.terminate();
    await until(() => (room.stats().roomsOpen === 0 ? true : undefined), 'room cleanup');
    expect(room.stats().sessions.find((s) => s.roomName === 'room-vanish')?.closeReason).toBe('signalling socket closed');
  });

  it('closes a client that stays silent past the ping timeout', async () => {
    const token = await room.issueToken('room-silent', 'alice');
    const { frames, closed } = await openSignal({ access_token: token, join_request: joinParam(plainJoin()) });
    await until(() => frames[0], 'join');
    await closed;
    expect(room.stats().sessions.find((s) => s.roomName === 'room-silent')?.closeReason).toBe(
      'client silent past ping timeout',
    );
  });

  it('serves two clients at once in two rooms, and a second join with the same identity replaces the first', async () => {
    const [a, b] = await Promise.all([
      room.issueToken('room-a', 'alice').then((t) => openSignal({ access_token: t, join_request: joinParam(plainJoin()) })),
      room.issueToken('room-b', 'bob').then((t) => openSignal({ access_token: t, join_request: joinParam(plainJoin()) })),
    ]);
    await until(() => a.frames[0], 'join a');
    await until(() => b.frames[0], 'join b');
    expect(room.stats().roomsOpen).toBe(2);

    const again = await openSignal({ access_token: await room.issueToken('room-a', 'alice'), join_request: joinParam(plainJoin()) });
    await until(() => again.frames[0], 'second join a');
    const leave = await until(() => a.frames.find((f) => f.message.case === 'leave'), 'leave for the replaced client');
    expect(leave.message.case === 'leave' && leave.message.value.reason).toBe(DisconnectReason.DUPLICATE_IDENTITY);
    await a.closed;
    expect(room.stats().roomsOpen).toBe(2);
  });
});

describe('close()', () => {
  it('tells every client the server is shutting down and closes every socket', async () => {
    const own = createLiveKitRoom({ apiKey: API_KEY, apiSecret: API_SECRET, iceServers: ICE });
    const ownBackend = await startBackend({ apiKey: 'k', services: [own] });
    const url = `ws://127.0.0.1:${ownBackend.port}/rtc/v1?access_token=${await own.issueToken('r', 'alice')}&join_request=${joinParam(plainJoin())}`;
    const ws = new WebSocket(url);
    sockets.push(ws);
    const frames: SignalResponse[] = [];
    ws.on('message', (d: Buffer) => frames.push(SignalResponse.fromBinary(new Uint8Array(d))));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await until(() => frames[0], 'join');
    await ownBackend.stop();
    await closed;
    const leave = frames.find((f) => f.message.case === 'leave');
    expect(leave?.message.case === 'leave' && leave.message.value.reason).toBe(DisconnectReason.SERVER_SHUTDOWN);
    expect(own.stats().roomsOpen).toBe(0);
  });
});
