import OpusScript from 'opusscript';
import { MediaStreamTrack, RtpHeader, RtpPacket } from 'werift';
import { toneFrames } from '../pipecat-bot-audio.js';
import { paceFrames, type PacedPlayback } from '../audio-pacer.js';

/** Opus in WebRTC always runs a 48 kHz RTP clock (RFC 7587), whatever the encoded bandwidth. */
const OPUS_RATE = 48_000;
const FRAME_MS = 20;
const SAMPLES_PER_FRAME = (OPUS_RATE * FRAME_MS) / 1000;

const encodedTones = new Map<number, readonly Buffer[]>();

/**
 * The same tone the Pipecat bot plays (pipecat-bot-audio.ts), as 20 ms Opus packets.
 * opusscript is libopus compiled to WebAssembly: no native build step. Encoded once per
 * length and kept, so a reply costs no encoding.
 */
export function opusTone(durationMs: number): readonly Buffer[] {
  const known = encodedTones.get(durationMs);
  if (known) return known;
  const encoder = new OpusScript(OPUS_RATE, 1, OpusScript.Application.AUDIO);
  try {
    const packets = toneFrames(durationMs, OPUS_RATE).frames.map((pcm) => {
      // the last frame may be short: Opus takes whole 20 ms frames only, so pad it with silence
      const whole = Buffer.alloc(SAMPLES_PER_FRAME * 2);
      whole.set(pcm.subarray(0, whole.length));
      return Buffer.from(encoder.encode(whole, SAMPLES_PER_FRAME));
    });
    encodedTones.set(durationMs, packets);
    return packets;
  } finally {
    encoder.delete();
  }
}

/**
 * The bot's voice in the LiveKit room: a werift track that carries Opus RTP, paced in
 * real time. The RTP clock keeps running between replies (timestamps follow the wall
 * clock), as a LiveKit agent's track does, so the client's jitter buffer sees a talk
 * spurt start, not a clock jump.
 */
export class BotVoice {
  readonly track = new MediaStreamTrack({ kind: 'audio' });
  private readonly clockStart = performance.now();
  private readonly timestampBase = Math.floor(Math.random() * 0xffffffff);
  private sequence = Math.floor(Math.random() * 0xffff);
  private playback: PacedPlayback | undefined;
  /** RTP packets handed to the peer (before any network loss). */
  packetsSent = 0;

  /** Plays `packets` from now; a reply that is still playing is cut, as an interruption does. */
  speak(packets: readonly Buffer[]): Promise<void> {
    this.stop();
    const first = Math.round(((performance.now() - this.clockStart) * OPUS_RATE) / 1000);
    const playback = paceFrames(packets, FRAME_MS, (payload, index) => {
      if (this.track.stopped) return;
      const header = new RtpHeader({
        // werift's sender puts its own SSRC and the negotiated payload type in
        payloadType: 111,
        sequenceNumber: this.sequence,
        timestamp: (this.timestampBase + first + index * SAMPLES_PER_FRAME) >>> 0,
        marker: index === 0,
      });
      this.sequence = (this.sequence + 1) & 0xffff;
      this.packetsSent += 1;
      this.track.writeRtp(new RtpPacket(header, payload));
    });
    this.playback = playback;
    return playback.done;
  }

  stop(): void {
    this.playback?.stop();
    this.playback = undefined;
  }

  close(): void {
    this.stop();
    this.track.stop();
  }
}
