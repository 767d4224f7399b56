import { MediaStream, RTCPeerConnection, type MediaStreamTrack, type RTCDataChannel, type RTCIceCandidateInit } from 'werift';
import type { IceServerConfig } from './signal-codec.js';

/** The address field of an `a=candidate` line (RFC 8839 section 5.1). */
export function candidateAddress(candidate: string): string | undefined {
  const fields = candidate.replace(/^a=/, '').replace(/^candidate:/, '').trim().split(/\s+/);
  return fields[4];
}

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (/^127\./.test(address) || address === '::1');
}

/**
 * Fixes werift's answer for Chromium: keeps only loopback `a=candidate` lines (so
 * the client never tries another address of ours), and gives inactive sections
 * port 9 instead of werift's 0. Port 0 means "rejected" (RFC 8843 section 7.3.3),
 * and Chromium refuses an answer that rejects a section still in the BUNDLE
 * group; the client's recvonly sections are merely idle, as LiveKit answers them.
 */
export function sanitizeAnswerSdp(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || isLoopback(candidateAddress(line)))
    .map((line) => line.replace(/^m=(audio|video) 0 /, 'm=$1 9 '))
    .join('\r\n');
}

export interface RoomPeerOptions {
  /**
   * ICE servers of the server's own peer. Always set: werift's default is a
   * public STUN server (docs/ARCHITECTURE.md, "werift"). The client relays through coturn to our
   * loopback host candidate, so the server needs none.
   * @default []
   */
  readonly iceServers?: readonly IceServerConfig[];
  /** A loopback candidate of ours, ready to trickle to the client. */
  readonly onCandidate: (init: RTCIceCandidateInit) => void;
  /** A message on one of the client's data channels (`_reliable`, `_lossy`, `_data_track`). */
  readonly onData: (label: string, data: Uint8Array) => void;
  readonly onStateChange?: (state: string) => void;
  /**
   * Client addresses accepted besides loopback: the root side of a test network
   * namespace, where coturn relays for a client inside it.
   * @default []
   */
  readonly extraPeerAddresses?: readonly string[];
  /** The `_reliable` channel opened: the client can now hear us. */
  readonly onReliableOpen?: () => void;
  /** A track the server sends the client (the bot's voice); see `attachOutgoing`. */
  readonly outgoing?: OutgoingTrack;
}

/** A server-side track, named the way a LiveKit server names a remote participant's track. */
export interface OutgoingTrack {
  readonly track: MediaStreamTrack;
  /** The publisher's participant sid: livekit-client finds the participant by the stream id `<participant sid>|<track sid>`. */
  readonly participantSid: string;
  /** `TR_...`, the sid announced in the participant's `TrackInfo`. */
  readonly trackSid: string;
}

export interface PeerAnswer {
  readonly sdp: string;
  /** mid -> track sid, for `SessionDescription.midToTrackId` (see `attachOutgoing`). */
  readonly midToTrackId: Record<string, string>;
}

/**
 * The server side of the client's single peer connection: a werift peer that
 * answers every publisher offer, bound to loopback (docs/ARCHITECTURE.md, "werift"),
 * reading the client's data channels and counting the RTP of its mic.
 */
export class RoomPeer {
  private readonly pc: RTCPeerConnection;
  private readonly channels = new Map<string, RTCDataChannel>();
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The mid the outgoing track rides on, once attached. */
  private outgoingMid: string | undefined;
  /** RTP packets received on the client's audio tracks. */
  micPackets = 0;
  /** Candidates from the client dropped because they were not loopback. */
  droppedCandidates = 0;

  constructor(private readonly options: RoomPeerOptions) {
    this.pc = new RTCPeerConnection({
      iceServers: (options.iceServers ?? []).map((s) => ({
        urls: typeof s.urls === 'string' ? s.urls : [...s.urls],
        ...(s.username !== undefined ? { username: s.username } : {}),
        ...(s.credential !== undefined ? { credential: s.credential } : {}),
      })),
      iceUseIpv6: false,
      iceUseTcp: false,
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceFilterCandidatePair: (pair) => this.acceptsRemote(pair.remoteCandidate.host) && isLoopback(pair.localCandidate.host),
      bundlePolicy: 'max-bundle',
    });
    this.pc.onIceCandidate.subscribe((candidate) => {
      if (!candidate || this.closed) return;
      const init = candidate.toJSON();
      if (!isLoopback(candidateAddress(init.candidate))) return;
      options.onCandidate(init);
    });
    this.pc.connectionStateChange.subscribe((state) => options.onStateChange?.(state));
    this.pc.onDataChannel.subscribe((channel) => this.adopt(channel));
    // werift's addTransceiver "reuses" any inactive transceiver not used for sending:
    // when the client adds an m-section for its mic, werift would take over the idle
    // recvonly section mid=0 for it and then fail to answer mid=0. Pinning every
    // remote section keeps one transceiver per client m-section.
    // Firefox offers every m-section after the first as bundle-only (port 0, RFC 8843 section
    // 6), and werift 0.24.4 fires the peer's onTrack only for a non-zero port: the transceiver's
    // own onTrack still fires, so the mic is counted from either, once.
    const counted = new WeakSet<MediaStreamTrack>();
    const countMic = (track: MediaStreamTrack): void => {
      if (track.kind !== 'audio' || counted.has(track)) return;
      counted.add(track);
      track.onReceiveRtp.subscribe(() => {
        this.micPackets += 1;
      });
    };
    this.pc.onRemoteTransceiverAdded.subscribe((transceiver) => {
      transceiver.usedForSender = true;
      transceiver.onTrack.subscribe((track) => countMic(track));
    });
    this.pc.onTrack.subscribe(countMic);
  }

  private acceptsRemote(address: string | undefined): boolean {
    return isLoopback(address) || (address !== undefined && (this.options.extraPeerAddresses ?? []).includes(address));
  }

  get connectionState(): string {
    return this.pc.connectionState;
  }

  private adopt(channel: RTCDataChannel): void {
    this.channels.set(channel.label, channel);
    channel.onMessage.subscribe((data) => {
      if (this.closed || typeof data === 'string') return;
      this.options.onData(channel.label, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
    if (channel.label === '_reliable') {
      if (channel.readyState === 'open') this.options.onReliableOpen?.();
      else channel.stateChanged.subscribe((state) => state === 'open' && this.options.onReliableOpen?.());
    }
  }

  /**
   * Answers an offer, with the SDP fixed for Chromium (`sanitizeAnswerSdp`). Offers are applied one after the other: the client sends
   * its second offer right after the first answer, and one per published track.
   */
  answer(sdp: string): Promise<PeerAnswer> {
    const next = this.chain.then(async () => {
      if (this.closed) throw new Error('peer closed');
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
      this.attachOutgoing();
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      const local = this.pc.localDescription;
      if (!local) throw new Error('no local description after setLocalDescription');
      const midToTrackId: Record<string, string> = {};
      if (this.outgoingMid !== undefined && this.options.outgoing) midToTrackId[this.outgoingMid] = this.options.outgoing.trackSid;
      return { sdp: sanitizeAnswerSdp(local.sdp), midToTrackId };
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * With one peer connection the client is always the offerer, so a server cannot add a
   * section of its own: livekit-client offers three idle `recvonly` audio sections up front
   * for exactly this (RTCEngine `addMediaSections`), and a LiveKit server sends a remote
   * participant's track on one of them. The answer turns that section `sendonly` with msid
   * `<participant sid>|<track sid>`, and every answer carries `midToTrackId`, because
   * Chromium gives a received track an id of its own and livekit-client replaces its map
   * with each answer's (RTCEngine `onAnswer`, `getTrackIdForReceiver`).
   */
  private attachOutgoing(): void {
    const outgoing = this.options.outgoing;
    if (!outgoing || this.outgoingMid !== undefined) return;
    const section = this.pc
      .getTransceivers()
      .find((t) => t.kind === 'audio' && t.mid !== null && t.offerDirection === 'sendonly' && !t.sender.track);
    if (!section?.mid) return;
    const sender = section.sender as { trackId: string } & typeof section.sender;
    sender.trackId = outgoing.trackSid;
    sender.setStreams([new MediaStream({ id: `${outgoing.participantSid}|${outgoing.trackSid}` })]);
    sender.registerTrack(outgoing.track);
    section.setDirection('sendonly');
    this.outgoingMid = section.mid;
  }

  /** Adds a trickled client candidate; only loopback ones, so nothing leaves the machine. */
  async addCandidate(init: RTCIceCandidateInit): Promise<void> {
    if (this.closed || !init.candidate) return;
    if (!this.acceptsRemote(candidateAddress(init.candidate))) {
      this.droppedCandidates += 1;
      return;
    }
    await this.chain;
    await this.pc.addIceCandidate(init);
  }

  /** Sends on `_reliable` (the client reads incoming messages on its own channels). */
  sendReliable(bytes: Uint8Array): boolean {
    const channel = this.channels.get('_reliable');
    if (!channel || channel.readyState !== 'open') return false;
    channel.send(Buffer.from(bytes));
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const channel of this.channels.values()) {
      try {
        channel.close();
      } catch {
        // the SCTP association may already be gone
      }
    }
    this.channels.clear();
    await this.pc.close().catch(() => undefined);
  }
}
