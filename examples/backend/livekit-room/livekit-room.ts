import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { DisconnectReason, LeaveRequest, LeaveRequest_Action, SignalResponse } from '@livekit/protocol';
import type { BackendService, ConnectContext } from '../server.js';
import { checkToken, issueToken, TokenVerifier } from './token.js';
import { decodeJoinRequest, type IceServerConfig } from './signal-codec.js';
import { SignalSession, type SessionStats } from './signal-session.js';
import type { RoomFaults } from './room-faults.js';
import { ownStunServer } from '../../../probes/node/werift-stun.js';

export interface LiveKitRoomOptions {
  /** `iss` of the tokens this room issues and accepts. */
  readonly apiKey: string;
  /** HS256 secret of the tokens. Never logged. */
  readonly apiSecret: string;
  /**
   * ICE servers sent to the client in the join response: the local coturn.
   * @example [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username, credential }]
   */
  readonly iceServers: readonly IceServerConfig[];
  /**
   * ICE servers of the server's own werift peer. The client relays to our loopback host
   * candidate, so it needs only a STUN server, and one it must have: werift otherwise
   * queries a public one (see `probes/node/werift-stun.ts`).
   * @default the first TURN server's host and port, as STUN
   */
  readonly peerIceServers?: readonly IceServerConfig[];
  /** Client addresses accepted besides loopback (a test namespace's root side). @default [] */
  readonly extraPeerAddresses?: readonly string[];
  /** Seconds between client pings, sent in the join response. @default 5 */
  readonly pingInterval?: number;
  /** Seconds of silence after which either side gives up. @default 15 */
  readonly pingTimeout?: number;
  /** Lifetime of the tokens `/connect` hands out. @default 600 */
  readonly tokenTtlSeconds?: number;
  /** Leeway for `exp`/`nbf`. @default 0 (a test's expired token is expired) */
  readonly clockToleranceSeconds?: number;
  /** Identity of the bot in every room. @default 'convai-bot' */
  readonly botIdentity?: string;
  /** Length of the tone the bot speaks in each reply (the Pipecat bot's `toneMs`). @default 300 */
  readonly toneMs?: number;
  /** Faults to inject; the object stays live, so a test may change it between connects. */
  readonly faults?: RoomFaults;
  readonly log?: (line: string) => void;
}

export interface LiveKitRoomStats {
  /** Rooms with a participant connected now. */
  readonly roomsOpen: number;
  /** Sessions ever joined (a join response was sent). */
  readonly joins: number;
  /** Upgrades and validate calls refused for a bad token. */
  readonly rejectedTokens: number;
  /** Upgrades refused for a bad `join_request` or path. */
  readonly rejectedUpgrades: number;
  /** Resume requests answered with `leave{action: RECONNECT}` (a full rejoin follows). */
  readonly resumesRedirected: number;
  /** Convai data messages received, over every session, closed ones included. */
  readonly dataMessagesReceived: number;
  /** Per session, open and closed, in join order. */
  readonly sessions: readonly SessionStats[];
}

export interface LiveKitRoomService extends BackendService {
  readonly transport: 'livekit';
  readonly faults: RoomFaults;
  stats(): LiveKitRoomStats;
  /** Mic RTP packets received in the room, 0 if unknown. */
  micPackets(roomName: string): number;
  /** Issues a token for a room (tests use it to build bad or foreign tokens' counterparts). */
  issueToken(room: string, identity: string, ttlSeconds?: number): Promise<string>;
}

const RTC_PATHS = new Set(['/rtc/v1', '/rtc/v1/']);
const VALIDATE_PATHS = new Set(['/rtc/v1/validate', '/rtc/validate']);

function refuseUpgrade(socket: Duplex, status: number, text: string, message: string): void {
  const body = Buffer.from(message, 'utf8');
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\n` +
      `connection: close\r\n\r\n${message}`,
  );
}

function sendText(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(message),
    'access-control-allow-origin': '*',
  });
  res.end(message);
}

/**
 * A LiveKit-signalling room in the local backend: `/rtc/v1` WebSocket upgrades,
 * `/rtc/v1/validate`, token checks, one werift peer and one echo bot per room.
 * Just large enough for livekit-client 2.23 to connect over real WebRTC.
 */
export function createLiveKitRoom(options: LiveKitRoomOptions): LiveKitRoomService {
  const log = options.log ?? (() => {});
  const verifier = new TokenVerifier(options.apiKey, options.apiSecret);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const faults: RoomFaults = options.faults ?? {};
  const botIdentity = options.botIdentity ?? 'convai-bot';
  const rooms = new Map<string, { sid: string; session: SignalSession }>();
  const history: SignalSession[] = [];
  const pending = new Set<Duplex>();
  const counters = { joins: 0, rejectedTokens: 0, rejectedUpgrades: 0, resumesRedirected: 0 };
  /** Rooms that have had a participant, for `faults.refuseRejoin`. */
  const joinedRooms = new Set<string>();
  const rejoinRefused = (room: string): boolean => faults.refuseRejoin === true && joinedRooms.has(room);
  const REJOIN_REFUSED = 'fault: refuseRejoin (rejoining this room is not allowed)';
  let closing = false;

  const issue = (room: string, identity: string, ttlSeconds?: number): Promise<string> =>
    issueToken({
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      room,
      identity,
      ttlSeconds: ttlSeconds ?? options.tokenTtlSeconds ?? 600,
    });

  const verify = (token: string | null) => checkToken(verifier, token, options.clockToleranceSeconds ?? 0);

  const join = async (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> => {
    const checked = await verify(url.searchParams.get('access_token'));
    if (closing || socket.destroyed) return;
    if (!checked.ok) {
      counters.rejectedTokens += 1;
      refuseUpgrade(socket, 401, 'Unauthorized', checked.message);
      return;
    }
    if (rejoinRefused(checked.room)) {
      counters.rejectedTokens += 1;
      refuseUpgrade(socket, 401, 'Unauthorized', REJOIN_REFUSED);
      return;
    }
    const param = url.searchParams.get('join_request');
    if (!param) {
      counters.rejectedUpgrades += 1;
      refuseUpgrade(socket, 400, 'Bad Request', 'join_request is required on /rtc/v1');
      return;
    }
    const joinRequest = decodeJoinRequest(param);
    if (!joinRequest.ok) {
      counters.rejectedUpgrades += 1;
      refuseUpgrade(socket, 400, 'Bad Request', joinRequest.reason);
      return;
    }
    if (joinRequest.value.reconnect) {
      // Resuming needs server state a one-shot room does not keep. A resume accepts only
      // `reconnect` or `leave{action: RECONNECT}` as its first reply (docs/ARCHITECTURE.md, "LiveKit signalling"); the latter
      // makes livekit-client rejoin in full at once, instead of retrying the resume for
      // its whole reconnect policy (~45 s) as a refused upgrade would.
      counters.resumesRedirected += 1;
      wss.handleUpgrade(req, socket, head, (ws) => {
        pending.delete(socket);
        const leave = new LeaveRequest({ reason: DisconnectReason.STATE_MISMATCH, action: LeaveRequest_Action.RECONNECT });
        ws.send(new SignalResponse({ message: { case: 'leave', value: leave } }).toBinary(), () => ws.close(1000));
      });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      pending.delete(socket);
      if (closing) {
        ws.terminate();
        return;
      }
      const previous = rooms.get(checked.room);
      if (previous && !previous.session.isClosed) void previous.session.kick(DisconnectReason.DUPLICATE_IDENTITY);
      const roomSid = previous?.sid ?? `RM_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      counters.joins += 1;
      joinedRooms.add(checked.room);
      // like `history`: bounded for a long-running demo
      if (joinedRooms.size > 1_000) joinedRooms.delete(joinedRooms.values().next().value as string);
      const session: SignalSession = new SignalSession({
        ws,
        joinRequest: joinRequest.value,
        roomName: checked.room,
        roomSid,
        participant: { sid: `PA_${randomUUID().replace(/-/g, '').slice(0, 12)}`, identity: checked.identity },
        bot: { sid: `PA_bot_${roomSid.slice(3)}`, identity: botIdentity },
        iceServers: options.iceServers,
        peerIceServers: options.peerIceServers ?? [ownStunServer(options.iceServers)],
        extraPeerAddresses: options.extraPeerAddresses ?? [],
        pingInterval: options.pingInterval ?? 5,
        pingTimeout: options.pingTimeout ?? 15,
        faults,
        toneMs: options.toneMs ?? 300,
        log,
        onClosed: (closed) => {
          if (rooms.get(checked.room)?.session === closed) rooms.delete(checked.room);
        },
      });
      rooms.set(checked.room, { sid: roomSid, session });
      history.push(session);
      // stats of closed sessions are for tests; a long-running demo must not grow without bound
      if (history.length > 1_000) history.shift();
      log(`livekit-room ${checked.room}: joined`);
    });
  };

  const service: LiveKitRoomService = {
    name: 'livekit-room',
    transport: 'livekit',
    faults,
    connectFields: async (ctx: ConnectContext) => {
      const room = `convai-${ctx.characterSessionId}`;
      const identity = ctx.endUserId ?? `user-${randomUUID().slice(0, 8)}`;
      return { room_url: ctx.wsBase, token: await issue(room, identity), room_name: room };
    },
    handleUpgrade: (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://local');
      if (url.pathname === '/rtc' || url.pathname === '/rtc/') {
        // livekit-client only goes to v0 when validate answers 404; ours never does
        counters.rejectedUpgrades += 1;
        refuseUpgrade(socket, 404, 'Not Found', 'v0 signalling (two peer connections) is not served by the local room');
        return true;
      }
      if (!RTC_PATHS.has(url.pathname)) return false;
      pending.add(socket);
      socket.once('close', () => pending.delete(socket));
      join(req, socket, head, url).catch((error: unknown) => {
        log(`livekit-room upgrade failed: ${error instanceof Error ? error.message : String(error)}`);
        socket.destroy();
      });
      return true;
    },
    handleRequest: (req, res) => {
      const url = new URL(req.url ?? '/', 'http://local');
      if (!VALIDATE_PATHS.has(url.pathname)) return false;
      verify(url.searchParams.get('access_token'))
        .then((checked) => {
          if (checked.ok && rejoinRefused(checked.room)) sendText(res, 401, REJOIN_REFUSED);
          else if (checked.ok) sendText(res, 200, 'success');
          else {
            counters.rejectedTokens += 1;
            sendText(res, checked.status, checked.message);
          }
        })
        .catch(() => sendText(res, 500, 'internal error'));
      return true;
    },
    stats: () => {
      const sessions = history.map((s) => s.stats());
      return {
        roomsOpen: [...rooms.values()].filter((r) => !r.session.isClosed).length,
        joins: counters.joins,
        rejectedTokens: counters.rejectedTokens,
        rejectedUpgrades: counters.rejectedUpgrades,
        resumesRedirected: counters.resumesRedirected,
        dataMessagesReceived: sessions.reduce((sum, s) => sum + s.dataMessagesReceived, 0),
        sessions,
      };
    },
    micPackets: (roomName) =>
      history.filter((s) => s.stats().roomName === roomName).reduce((sum, s) => sum + s.stats().micPackets, 0),
    issueToken: issue,
    close: async () => {
      closing = true;
      for (const socket of pending) socket.destroy();
      pending.clear();
      await Promise.all([...rooms.values()].map((r) => r.session.kick(DisconnectReason.SERVER_SHUTDOWN)));
      rooms.clear();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  return service;
}
