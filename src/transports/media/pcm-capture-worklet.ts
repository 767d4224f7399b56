/**
 * The capture worklet: float samples in, PCM16 chunks of `chunkSamples` out (256 at
 * 16 kHz = 16 ms, the frame size Pipecat servers expect). Kept as source text so the
 * library ships one JS file per entry; it is loaded from `workletUrl` when the app
 * hosts it (no CSP change), else from a blob: URL (needs `script-src blob:`), and
 * when neither loads the capture falls back to a ScriptProcessorNode (no CSP needs).
 */
export const CAPTURE_PROCESSOR_NAME = 'convai-pcm-capture';

export const CAPTURE_WORKLET_SOURCE = `
class ConvaiPcmCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.size = (options.processorOptions && options.processorOptions.chunkSamples) || 256;
    this.buf = new Int16Array(this.size);
    this.n = 0;
    this.stopped = false;
    this.port.onmessage = (e) => { if (e.data === 'stop') this.stopped = true; };
  }
  process(inputs) {
    if (this.stopped) return false;
    const ch = inputs[0] && inputs[0][0];
    if (ch) {
      for (let i = 0; i < ch.length; i++) {
        const s = ch[i] < -1 ? -1 : ch[i] > 1 ? 1 : ch[i];
        this.buf[this.n++] = s < 0 ? s * 0x8000 : s * 0x7fff;
        if (this.n === this.size) {
          this.port.postMessage(this.buf.buffer, [this.buf.buffer]);
          this.buf = new Int16Array(this.size);
          this.n = 0;
        }
      }
    }
    return true;
  }
}
registerProcessor('${CAPTURE_PROCESSOR_NAME}', ConvaiPcmCapture);
`;

/** Main-thread twin of the worklet's loop, for the ScriptProcessorNode fallback. */
export class Pcm16Chunker {
  private buf: Int16Array;
  private n = 0;

  constructor(
    private readonly size: number,
    private readonly emit: (chunk: ArrayBuffer) => void,
  ) {
    this.buf = new Int16Array(size);
  }

  push(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i] ?? 0;
      const s = v < -1 ? -1 : v > 1 ? 1 : v;
      this.buf[this.n++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.n === this.size) {
        this.emit(this.buf.buffer as ArrayBuffer);
        this.buf = new Int16Array(this.size);
        this.n = 0;
      }
    }
  }
}
