/**
 * How much bot audio may wait, scheduled ahead of the playhead, before new frames are
 * dropped. Bots send speech faster than real time, so the queue must hold a long reply
 * (a minute is ~5.5 MB of float samples at 24 kHz); without a bound a flood, or a context
 * that never runs, grows it for the whole session.
 */
export const MAX_QUEUED_AUDIO_SECONDS = 60;

export interface AudioPlayerOptions {
  /** @default MAX_QUEUED_AUDIO_SECONDS (60) */
  readonly maxQueuedSeconds?: number;
}

export interface AudioPlayerStats {
  readonly scheduledFrames: number;
  /** Frames refused: degenerate (no samples, a rate or channel count Web Audio refuses) or past the queue bound. */
  readonly droppedFrames: number;
  /** Audio scheduled ahead of the playhead. */
  readonly queuedSeconds: number;
}

/** Web Audio's limits for createBuffer (Web Audio API, "createBuffer"): outside them it throws. */
const MIN_RATE = 3_000;
const MAX_RATE = 768_000;
const MAX_CHANNELS = 32;

/**
 * Plays the bot's PCM16 as it arrives by scheduling one AudioBufferSourceNode per
 * frame back to back, each buffer at the bot's own sample rate (the context
 * resamples; Pipecat's player assumed 24 kHz). A MediaStreamAudioDestinationNode
 * mirrors the output so the app gets a track for meters or recording.
 */
export class AudioPlayer {
  private readonly context: AudioContext;
  private readonly output: GainNode;
  private readonly mirror: MediaStreamAudioDestinationNode | undefined;
  private readonly playing = new Set<AudioBufferSourceNode>();
  private nextStart = 0;
  private closed = false;
  private scheduled = 0;
  private dropped = 0;
  private readonly maxQueuedSeconds: number;

  constructor(options: AudioPlayerOptions = {}) {
    this.maxQueuedSeconds = options.maxQueuedSeconds ?? MAX_QUEUED_AUDIO_SECONDS;
    this.context = new AudioContext();
    this.output = this.context.createGain();
    this.output.connect(this.context.destination);
    if (typeof this.context.createMediaStreamDestination === 'function') {
      this.mirror = this.context.createMediaStreamDestination();
      this.output.connect(this.mirror);
    }
    // autoplay policy may start it suspended; connect() usually follows a click
    void this.context.resume().catch(() => undefined);
  }

  get track(): MediaStreamTrack | undefined {
    return this.mirror?.stream.getAudioTracks()[0];
  }

  get stats(): AudioPlayerStats {
    return {
      scheduledFrames: this.scheduled,
      droppedFrames: this.dropped,
      queuedSeconds: Math.max(0, this.nextStart - this.context.currentTime),
    };
  }

  /** `pcm` is interleaved when `channels` > 1. Never throws: a frame it cannot play is dropped. */
  play(pcm: Int16Array, sampleRate: number, channels: number): void {
    if (this.closed || pcm.length === 0) return;
    const frames = Number.isInteger(channels) && channels > 0 ? Math.floor(pcm.length / channels) : 0;
    if (frames < 1 || channels > MAX_CHANNELS || !(sampleRate >= MIN_RATE && sampleRate <= MAX_RATE)) {
      this.dropped += 1;
      return;
    }
    if (this.nextStart - this.context.currentTime > this.maxQueuedSeconds) {
      this.dropped += 1;
      return;
    }
    // started without a user gesture it may still be suspended; a later frame retries
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
    let buffer: AudioBuffer;
    try {
      buffer = this.context.createBuffer(channels, frames, sampleRate);
    } catch {
      this.dropped += 1;
      return;
    }
    for (let c = 0; c < channels; c++) {
      const data = buffer.getChannelData(c);
      for (let i = 0; i < frames; i++) data[i] = (pcm[i * channels + c] ?? 0) / 0x8000;
    }
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.output);
    // a small lead absorbs jitter when the queue ran dry
    const start = Math.max(this.nextStart, this.context.currentTime + 0.02);
    source.start(start);
    this.nextStart = start + buffer.duration;
    this.scheduled += 1;
    this.playing.add(source);
    source.onended = () => {
      this.playing.delete(source);
      source.disconnect();
    };
  }

  /** Drops what is queued (barge-in); later audio plays normally. */
  interrupt(): void {
    for (const source of this.playing) {
      source.onended = null;
      try {
        source.stop();
        source.disconnect();
      } catch {
        // not started yet or already stopped
      }
    }
    this.playing.clear();
    this.nextStart = 0;
  }

  /** Never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.interrupt();
    this.mirror?.stream.getTracks().forEach((track) => track.stop());
    await this.context.close().catch(() => undefined);
  }
}
