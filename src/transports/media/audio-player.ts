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

  constructor() {
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

  /** `pcm` is interleaved when `channels` > 1. */
  play(pcm: Int16Array, sampleRate: number, channels: number): void {
    if (this.closed || pcm.length === 0) return;
    // started without a user gesture it may still be suspended; a later frame retries
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
    const frames = Math.floor(pcm.length / channels);
    const buffer = this.context.createBuffer(channels, frames, sampleRate);
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
