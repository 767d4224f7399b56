import { CAPTURE_PROCESSOR_NAME, CAPTURE_WORKLET_SOURCE, Pcm16Chunker } from './pcm-capture-worklet.js';

export interface CaptureOptions {
  /** @default 16000 (what Pipecat servers are told: `AudioRawFrame.sample_rate`) */
  readonly sampleRate: number;
  /** @default 256 */
  readonly chunkSamples: number;
  /** Where the app hosts the worklet source (`CAPTURE_WORKLET_SOURCE`), to avoid `blob:` in CSP. */
  readonly workletUrl?: string;
  readonly deviceId?: string;
}

/** How the samples are taken off the audio thread; reported for diagnostics. */
export type CaptureMode = 'worklet' | 'script-processor';

/**
 * The mic at `sampleRate` as PCM16 chunks. A 16 kHz AudioContext does the resampling
 * (browsers resample a MediaStreamSource to the context rate), so no JS resampler.
 */
export class AudioCapture {
  readonly mode: CaptureMode;
  private constructor(
    private readonly stream: MediaStream,
    private readonly context: AudioContext,
    private readonly nodes: readonly AudioNode[],
    private readonly stopProcessor: () => void,
    mode: CaptureMode,
  ) {
    this.mode = mode;
  }

  get track(): MediaStreamTrack | undefined {
    return this.stream.getAudioTracks()[0];
  }

  set enabled(on: boolean) {
    // a disabled track yields silence: belt and braces with the chunk gate upstream
    for (const track of this.stream.getAudioTracks()) track.enabled = on;
  }

  /** Opens the mic; everything it created is released again if a later step fails. */
  static async open(options: CaptureOptions, onChunk: (chunk: ArrayBuffer) => void): Promise<AudioCapture> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}),
        channelCount: 1,
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
      },
    });
    let context: AudioContext | undefined;
    try {
      context = new AudioContext({ sampleRate: options.sampleRate });
      const source = context.createMediaStreamSource(stream);
      const worklet = await loadWorklet(context, options);
      if (worklet) {
        const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR_NAME, {
          numberOfInputs: 1,
          numberOfOutputs: 1,
          channelCount: 1,
          processorOptions: { chunkSamples: options.chunkSamples },
        });
        node.port.onmessage = (event: MessageEvent<ArrayBuffer>) => onChunk(event.data);
        // connected to the destination so every browser keeps pulling it; it outputs silence
        source.connect(node).connect(context.destination);
        startContext(context);
        const stop = (): void => {
          node.port.postMessage('stop');
          node.port.onmessage = null;
        };
        return new AudioCapture(stream, context, [source, node], stop, 'worklet');
      }
      // ScriptProcessorNode is deprecated but universal and needs no module URL
      const chunker = new Pcm16Chunker(options.chunkSamples, onChunk);
      const processor = context.createScriptProcessor(1024, 1, 1);
      processor.onaudioprocess = (event) => chunker.push(event.inputBuffer.getChannelData(0));
      source.connect(processor).connect(context.destination);
      startContext(context);
      const stop = (): void => {
        processor.onaudioprocess = null;
      };
      return new AudioCapture(stream, context, [source, processor], stop, 'script-processor');
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      await context?.close().catch(() => undefined);
      throw error;
    }
  }

  /** Never throws. */
  async close(): Promise<void> {
    this.stopProcessor();
    for (const node of this.nodes) {
      try {
        node.disconnect();
      } catch {
        // already disconnected
      }
    }
    for (const track of this.stream.getTracks()) track.stop();
    await this.context.close().catch(() => undefined);
  }
}

/**
 * Not awaited: without a user gesture (autoplay policy) `resume()` stays pending
 * until one happens, and connect must not hang on it; the context starts then.
 */
function startContext(context: AudioContext): void {
  void context.resume().catch(() => undefined);
}

/** Tries the app's URL, then a blob: URL; false when CSP (or the platform) refuses both. */
async function loadWorklet(context: AudioContext, options: CaptureOptions): Promise<boolean> {
  if (!context.audioWorklet || typeof AudioWorkletNode === 'undefined') return false;
  if (options.workletUrl) {
    try {
      await context.audioWorklet.addModule(options.workletUrl);
      return true;
    } catch {
      // fall through to the blob: URL
    }
  }
  const url = URL.createObjectURL(new Blob([CAPTURE_WORKLET_SOURCE], { type: 'application/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
    return true;
  } catch {
    return false;
  } finally {
    URL.revokeObjectURL(url);
  }
}
