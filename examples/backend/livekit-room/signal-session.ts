import type { WebSocket } from 'ws';
import {
  DisconnectReason,
  LeaveRequest,
  LeaveRequest_Action,
  Pong,
  SessionDescription,
  SignalTarget,
  TrickleRequest,
  type JoinRequest,
  type SignalRequest,
  type SignalResponse,
} from '@livekit/protocol';
import { RoomPeer } from './room-peer.js';
import { BotVoice, opusTone } from './bot-voice.js';
import { withoutTcpTurn, type RoomFaults } from './room-faults.js';
import { decodeUserPacket, encodeBotPacket, EchoBot, type BotIdentity } from './room-bot.js';
import {
  audioTrackInfo,
  decodeSignalRequest,
  encodeSignalResponse,
  joinResponse,
  trackPublished,
  type IceServerConfig,
  type ParticipantDescription,
} from './signal-codec.js';

export interface SignalSessionOptions {
  readonly ws: WebSocket;
  readonly joinRequest: JoinRequest;
  readonly roomName: string;
  readonly roomSid: string;
  readonly participant: ParticipantDescription;
  readonly bot: BotIdentity;
  readonly iceServers: readonly IceServerConfig[];
  readonly peerIceServers: readonly IceServerConfig[];
  readonly extraPeerAddresses: readonly string[];
  /** Seconds. */
  readonly pingInterval: number;
  /** Seconds; a client silent for this long is taken as gone. */
  readonly pingTimeout: number;
  readonly faults: Readonly<RoomFaults>;
  /** Length of the tone the bot speaks in each reply, as the Pipecat bot's `toneMs`. */
  readonly toneMs: number;
  readonly log: (line: string) => void;
  readonly onClosed: (session: SignalSession) => void;
}

export interface SessionStats {
  readonly roomName: string;
  readonly identity: string;
  readonly peerState: string;
  readonly offersAnswered: number;
  readonly dataMessagesReceived: number;
  readonly malformedDataMessages: number;
  readonly micPackets: number;
  readonly tracksPublished: number;
  /** Opus RTP packets of the bot's voice handed to the peer. */
  readonly botAudioPackets: number;
  /** The bot's replies (`bot-llm-text`) handed to the `_reliable` channel. */
  readonly botRepliesSent: number;
  /** The bot's replies dropped because `_reliable` was not open (the peer was gone or not up yet). */
  readonly botRepliesUnsent: number;
  readonly closeReason: string | undefined;
}


/**
 * One participant's signalling connection: LiveKit's `/rtc/v1` protocol over a
 * `ws` socket, driving a werift peer and the echo bot. Every failure ends in
 * `close()`, which releases the peer, the socket and the timers exactly once.
 */
export class SignalSession {
  private readonly peer: RoomPeer;
  private readonly bot: EchoBot;
  private readonly voice = new BotVoice();
  private readonly botTrackSid: string;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private botSequence = 0;
  private botRepliesSent = 0;
  private botRepliesUnsent = 0;
  private closed = false;
  private offersAnswered = 0;
  private dataMessagesReceived = 0;
  private malformedDataMessages = 0;
  private tracksPublished = 0;
  private closeReason: string | undefined;

  constructor(private readonly options: SignalSessionOptions) {
    const { ws } = options;
    this.botTrackSid = `TR_${options.bot.sid.slice(3)}`;
    this.peer = new RoomPeer({
      outgoing: { track: this.voice.track, participantSid: options.bot.sid, trackSid: this.botTrackSid },
      iceServers: options.peerIceServers,
      extraPeerAddresses: options.extraPeerAddresses,
      onCandidate: (init) =>
        this.send({
          case: 'trickle',
          value: new TrickleRequest({ candidateInit: JSON.stringify(init), target: SignalTarget.PUBLISHER }),
        }),
      onData: (label, data) => this.handleData(label, data),
      onReliableOpen: () => this.bot.ready(),
      onStateChange: (state) => {
        options.log(`livekit-room ${options.roomName}: peer ${state}`);
        if (state === 'failed') void this.close('peer connection failed');
      },
    });
    this.bot = new EchoBot(
      (message) => {
        this.botSequence += 1;
        const sent = this.peer.sendReliable(encodeBotPacket(options.bot, this.botSequence, message));
        if (message.type === 'bot-llm-text') {
          if (sent) this.botRepliesSent += 1;
          else this.botRepliesUnsent += 1;
        }
      },
      {
        speak: () => this.voice.speak(opusTone(options.toneMs)),
        silence: () => this.voice.stop(),
      },
    );
    ws.on('message', (data, isBinary) => this.handleFrame(data, isBinary));
    ws.on('close', () => void this.close('signalling socket closed'));
    ws.on('error', (error) => void this.close(`signalling socket error: ${error.message}`));
    this.touch();
    this.start();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get identity(): string {
    return this.options.participant.identity;
  }

  stats(): SessionStats {
    return {
      roomName: this.options.roomName,
      identity: this.options.participant.identity,
      peerState: this.peer.connectionState,
      offersAnswered: this.offersAnswered,
      dataMessagesReceived: this.dataMessagesReceived,
      malformedDataMessages: this.malformedDataMessages,
      micPackets: this.peer.micPackets,
      tracksPublished: this.tracksPublished,
      botAudioPackets: this.voice.packetsSent,
      botRepliesSent: this.botRepliesSent,
      botRepliesUnsent: this.botRepliesUnsent,
      closeReason: this.closeReason,
    };
  }

  private start(): void {
    const { faults } = this.options;
    if (faults.delayJoinMs !== undefined && faults.delayJoinMs > 0) {
      this.later(faults.delayJoinMs, () => this.join());
      return;
    }
    this.join();
  }

  private join(): void {
    const { faults } = this.options;
    const iceServers = faults.omitTurnTcp ? withoutTcpTurn(this.options.iceServers) : this.options.iceServers;
    this.send(
      joinResponse({
        roomName: this.options.roomName,
        roomSid: this.options.roomSid,
        participant: this.options.participant,
        others: [{ ...this.options.bot, name: 'Convai bot', tracks: [audioTrackInfo(this.botTrackSid, 'bot-voice')] }],
        iceServers,
        pingInterval: this.options.pingInterval,
        pingTimeout: this.options.pingTimeout,
      }),
    );
    const offer = this.options.joinRequest.publisherOffer;
    if (offer) this.answer(offer);
    if (faults.dropPeerAfterMs !== undefined) {
      this.later(faults.dropPeerAfterMs, () => void this.peer.close());
    }
    if (faults.closeSignalAfterMs !== undefined) {
      this.later(faults.closeSignalAfterMs, () => {
        this.options.ws.close(1011, 'fault: signalling closed by the server');
      });
    }
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    this.timers.add(timer);
  }

  /** A client that says nothing for `pingTimeout` (it pings every `pingInterval`) is gone. */
  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close('client silent past ping timeout'), this.options.pingTimeout * 1000);
  }

  private send(message: SignalResponse['message']): void {
    const { ws } = this.options;
    if (this.closed || ws.readyState !== ws.OPEN) return;
    ws.send(encodeSignalResponse(message));
  }

  private answer(offer: SessionDescription): void {
    if (this.options.faults.withholdAnswer) return;
    this.peer
      .answer(offer.sdp)
      .then((answer) => {
        this.offersAnswered += 1;
        // the client matches the answer to its offer by id; without the echo it holds back every later offer
        this.send({ case: 'answer', value: new SessionDescription({ type: 'answer', sdp: answer.sdp, id: offer.id, midToTrackId: answer.midToTrackId }) });
      })
      .catch((error: unknown) => {
        if (this.closed) return;
        void this.close(`could not answer offer ${offer.id}: ${error instanceof Error ? error.message : String(error)}`);
      });
  }

  private handleFrame(data: unknown, isBinary: boolean): void {
    if (this.closed) return;
    this.touch();
    if (!isBinary) {
      this.protocolError('text frames are not supported: send binary SignalRequest');
      return;
    }
    const bytes = Array.isArray(data)
      ? Buffer.concat(data as Buffer[])
      : data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : (data as Buffer);
    const decoded = decodeSignalRequest(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (!decoded.ok) {
      this.protocolError(decoded.reason);
      return;
    }
    this.handleRequest(decoded.value);
  }

  private handleRequest(request: SignalRequest): void {
    const message = request.message;
    switch (message.case) {
      case 'offer':
        this.answer(message.value);
        break;
      case 'trickle':
        this.handleTrickle(message.value);
        break;
      case 'addTrack':
        this.tracksPublished += 1;
        this.send(trackPublished(message.value));
        break;
      case 'ping':
        this.send({ case: 'pong', value: message.value });
        break;
      case 'pingReq':
        this.send({
          case: 'pongResp',
          value: new Pong({ lastPingTimestamp: message.value.timestamp, timestamp: BigInt(Date.now()) }),
        });
        break;
      case 'leave':
        void this.close('client left');
        break;
      default:
        // mute, subscription, track settings, metadata...: nothing for a one-bot room to do
        break;
    }
  }

  private handleTrickle(trickle: TrickleRequest): void {
    let init: { candidate?: string; sdpMid?: string; sdpMLineIndex?: number; usernameFragment?: string };
    try {
      init = JSON.parse(trickle.candidateInit) as typeof init;
    } catch {
      this.protocolError('trickle candidateInit is not JSON');
      return;
    }
    if (typeof init !== 'object' || init === null || (init.candidate !== undefined && typeof init.candidate !== 'string')) {
      this.protocolError('trickle candidateInit is not an RTCIceCandidateInit');
      return;
    }
    this.peer.addCandidate(init).catch((error: unknown) => {
      this.options.log(`livekit-room ${this.options.roomName}: candidate refused: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private handleData(label: string, data: Uint8Array): void {
    if (label === '_data_track') return;
    const decoded = decodeUserPacket(data);
    if (!decoded.ok) {
      this.malformedDataMessages += 1;
      return;
    }
    this.dataMessagesReceived += 1;
    this.bot.receive(decoded.message);
  }

  /** A malformed frame ends the session, as a LiveKit server ends it when a request fails to decode. */
  private protocolError(reason: string): void {
    this.options.log(`livekit-room ${this.options.roomName}: protocol error: ${reason}`);
    void this.close(`protocol error: ${reason}`, 1007);
  }

  /** Tells the client to go (a duplicate identity joined), then closes. */
  kick(reason: DisconnectReason): Promise<void> {
    this.send({ case: 'leave', value: new LeaveRequest({ reason, action: LeaveRequest_Action.DISCONNECT }) });
    return this.close(`kicked: ${DisconnectReason[reason] ?? String(reason)}`);
  }

  async close(reason = 'closed by the server', code = 1000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    clearTimeout(this.idleTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.voice.close();
    const { ws } = this.options;
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      ws.close(code, reason.slice(0, 120));
      // a client that vanished never completes the close handshake
      const timer = setTimeout(() => ws.terminate(), 1_000);
      ws.once('close', () => clearTimeout(timer));
    }
    await this.peer.close();
    this.options.log(`livekit-room ${this.options.roomName}: session closed (${reason})`);
    this.options.onClosed(this);
  }
}
