import { AudioPlayer } from '../../../src/transports/media/audio-player.js';

/** The bot-audio player alone, in a real AudioContext: degenerate frames and the queue bound. */
let player: AudioPlayer | undefined;
const errors: string[] = [];

const api = {
  open: (maxQueuedSeconds?: number) => {
    player = maxQueuedSeconds === undefined ? new AudioPlayer() : new AudioPlayer({ maxQueuedSeconds });
  },
  /** Plays `samples` of a 440 Hz tone; returns the error text if play() threw. */
  play: (samples: number, sampleRate: number, channels: number): string | undefined => {
    const pcm = new Int16Array(samples);
    for (let i = 0; i < samples; i++) pcm[i] = Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 8000);
    try {
      player!.play(pcm, sampleRate, channels);
      return undefined;
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      errors.push(text);
      return text;
    }
  },
  stats: () => player!.stats,
  close: () => player?.close(),
  errors: () => errors.slice(),
};

declare global {
  interface Window {
    audioPlayer: typeof api;
    audioPlayerReady: boolean;
  }
}
window.audioPlayer = api;
window.audioPlayerReady = true;
