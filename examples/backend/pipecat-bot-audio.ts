/** A tone that stands in for TTS: PCM16LE mono, in 20 ms frames as Pipecat sends them. */
export interface Tone {
  readonly sampleRate: number;
  readonly durationMs: number;
  readonly frames: readonly Uint8Array[];
}

const FRAME_MS = 20;

export function toneFrames(durationMs: number, sampleRate: number, frequency = 440): Tone {
  const total = Math.round((durationMs / 1000) * sampleRate);
  const perFrame = Math.round((FRAME_MS / 1000) * sampleRate);
  const frames: Uint8Array[] = [];
  for (let start = 0; start < total; start += perFrame) {
    const count = Math.min(perFrame, total - start);
    const view = new DataView(new ArrayBuffer(count * 2));
    for (let i = 0; i < count; i++) {
      const t = (start + i) / sampleRate;
      // -12 dBFS: audible, never clipping
      view.setInt16(i * 2, Math.round(Math.sin(2 * Math.PI * frequency * t) * 0.25 * 0x7fff), true);
    }
    frames.push(new Uint8Array(view.buffer));
  }
  return { sampleRate, durationMs, frames };
}
