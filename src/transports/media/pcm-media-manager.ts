import { WavMediaManager } from '@pipecat-ai/websocket-transport';
import type { PipecatClientOptions, Tracks } from '@pipecat-ai/client-js';
import { AudioCapture, type CaptureMode } from './audio-capture.js';
import { AudioPlayer } from './audio-player.js';

export interface PcmMediaManagerOptions {
  /** Send mic audio from the start; when false the mic is opened but nothing is sent. */
  readonly micEnabled: boolean;
  /** @default 16000 */
  readonly sampleRate?: number;
  /** @default 256 (16 ms at 16 kHz) */
  readonly chunkSamples?: number;
  /** See `CaptureOptions.workletUrl`. */
  readonly workletUrl?: string;
  /** The mic could not be opened; the session goes on without it. */
  readonly onMicError: (error: unknown) => void;
  readonly onBotTrack: (track: MediaStreamTrack) => void;
}

/**
 * Pipecat's media seam, rewritten (docs/ARCHITECTURE.md, "Pipecat", lists WavMediaManager's faults: it hangs or
 * leaks when the mic is denied, records every sample forever, never closes its
 * AudioContexts, drops all bot audio after a barge-in, ignores the bot's sample rate).
 * It extends WavMediaManager only because the abstract base is not exported, and
 * overrides every method so none of the parent's state is ever used. Without Web
 * Audio (Node) it is headless: no capture, no playback, the session still works.
 */
export class PcmMediaManager extends WavMediaManager {
  private readonly opts: PcmMediaManagerOptions;
  private micOn: boolean;
  private capture: AudioCapture | undefined;
  private player: AudioPlayer | undefined;
  private generation = 0;
  private deviceId: string | undefined;

  constructor(options: PcmMediaManagerOptions) {
    super(options.chunkSamples ?? 256, options.sampleRate ?? 16_000);
    this.opts = options;
    this.micOn = options.micEnabled;
  }

  get sampleRate(): number {
    return this.opts.sampleRate ?? 16_000;
  }

  get captureMode(): CaptureMode | undefined {
    return this.capture?.mode;
  }

  override setClientOptions(options: PipecatClientOptions): void {
    // keep only the callbacks: the mute state is ours, not `options.enableMic`
    this._callbacks = options.callbacks ?? {};
  }

  /** Called by PipecatClient before the socket opens: nothing to acquire yet. */
  override async initialize(): Promise<void> {}

  /** Called once the socket is open: opens the mic and the player. */
  override async connect(): Promise<void> {
    const generation = ++this.generation;
    if (typeof AudioContext !== 'undefined' && !this.player) {
      this.player = new AudioPlayer();
      const track = this.player.track;
      if (track) this.opts.onBotTrack(track);
    }
    if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia || typeof AudioContext === 'undefined') {
      this.opts.onMicError(new Error('this platform has no getUserMedia/AudioContext'));
      return;
    }
    await this.openCapture(generation);
  }

  private async openCapture(generation: number): Promise<void> {
    try {
      const capture = await AudioCapture.open(
        {
          sampleRate: this.sampleRate,
          chunkSamples: this.opts.chunkSamples ?? 256,
          ...(this.opts.workletUrl ? { workletUrl: this.opts.workletUrl } : {}),
          ...(this.deviceId ? { deviceId: this.deviceId } : {}),
        },
        (chunk) => {
          if (this.micOn) this._userAudioCallback?.(chunk);
        },
      );
      // disconnect() ran while getUserMedia was pending: do not keep the mic open
      if (generation !== this.generation) {
        await capture.close();
        return;
      }
      capture.enabled = this.micOn;
      this.capture = capture;
    } catch (error) {
      this.opts.onMicError(error);
    }
  }

  /** Never throws; safe to call in any state. */
  override async disconnect(): Promise<void> {
    this.generation++;
    const capture = this.capture;
    const player = this.player;
    this.capture = undefined;
    this.player = undefined;
    await Promise.all([capture?.close(), player?.close()]);
  }

  /** Barge-in: drop the queued bot audio. */
  override async userStartedSpeaking(): Promise<unknown> {
    this.player?.interrupt();
    return undefined;
  }

  /** Pipecat's entry point assumes our rate; the session calls `playBotAudio` with the frame's rate. */
  override bufferBotAudio(data: ArrayBuffer | Int16Array): Int16Array {
    const pcm = data instanceof Int16Array ? data : new Int16Array(data);
    this.playBotAudio(pcm, this.sampleRate, 1);
    return pcm;
  }

  playBotAudio(pcm: Int16Array, sampleRate: number, channels: number): void {
    this.player?.play(pcm, sampleRate, channels);
  }

  override async enableMic(enable: boolean): Promise<void> {
    this.micOn = enable;
    if (this.capture) this.capture.enabled = enable;
  }

  override get isMicEnabled(): boolean {
    return this.micOn;
  }

  override tracks(): Tracks {
    const mic = this.capture?.track;
    const bot = this.player?.track;
    return { local: mic ? { audio: mic } : {}, ...(bot ? { bot: { audio: bot } } : {}) };
  }

  override async getAllMics(): Promise<MediaDeviceInfo[]> {
    if (typeof navigator === 'undefined' || !navigator.mediaDevices?.enumerateDevices) return [];
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
  }
  override async getAllCams(): Promise<MediaDeviceInfo[]> {
    return [];
  }
  override async getAllSpeakers(): Promise<MediaDeviceInfo[]> {
    return [];
  }
  /** Reopens the capture on this device (`audioControls.setAudioDevice`); later connects use it too. */
  override async updateMic(micId: string): Promise<void> {
    this.deviceId = micId;
    const old = this.capture;
    if (!old) return;
    this.capture = undefined;
    await old.close();
    await this.openCapture(this.generation);
  }
  override updateCam(): void {}
  override updateSpeaker(): void {}
  override get selectedMic(): MediaDeviceInfo | Record<string, never> {
    return {};
  }
  override get selectedCam(): MediaDeviceInfo | Record<string, never> {
    return {};
  }
  override get selectedSpeaker(): MediaDeviceInfo | Record<string, never> {
    return {};
  }
  override enableCam(): void {}
  override enableScreenShare(): void {}
  override get isCamEnabled(): boolean {
    return false;
  }
  override get isSharingScreen(): boolean {
    return false;
  }
}
