import type { TypedEmitter } from '../util/emitter.js';
import { ConfigError } from '../errors/config-error.js';
import { TransportError } from '../errors/transport-error.js';
import type { ConvaiClientEvents } from './client-events.js';
import type { SessionLifecycle } from './session-lifecycle.js';

/** The payload of `audioControls.on('audioStateChange')`, as in the Convai Web SDK 1.2.0. */
export interface AudioState {
  readonly isAudioMuted: boolean;
  readonly isAudioEnabled: boolean;
  /** Always 0: 1.2.0 never measured it either. The widgets meter levels themselves. */
  readonly audioLevel: number;
}

export interface AudioControls {
  /** The app asked for the mic off (`startWithAudioOn: false`, `muteAudio()`, ...). */
  readonly isAudioMuted: boolean;
  /** A session is capturing the mic and sending it now. */
  readonly isAudioEnabled: boolean;
  /** Always 0, as in 1.2.0 (it never measured it). */
  readonly audioLevel: number;
  enableAudio(): Promise<void>;
  disableAudio(): Promise<void>;
  muteAudio(): Promise<void>;
  unmuteAudio(): Promise<void>;
  toggleAudio(): Promise<void>;
  /** The microphones the page may use (`enumerateDevices`, `audioinput` only). */
  getAudioDevices(): Promise<MediaDeviceInfo[]>;
  /**
   * Captures from this microphone in the current session. Rejects with
   * `INVALID_CONFIG` for a non-string id and `NOT_CONNECTED` when the transport of the
   * current session cannot switch devices.
   */
  setAudioDevice(deviceId: string): Promise<void>;
  /** No-ops kept for 1.2.0 code (1.2.0's were no-ops too). */
  startAudioLevelMonitoring(): void;
  stopAudioLevelMonitoring(): void;
  on(event: 'audioStateChange', listener: (state: AudioState) => void): () => void;
  off(event: 'audioStateChange', listener: (state: AudioState) => void): void;
}

/** The mic controls of a client, over its session lifecycle. */
export function createAudioControls(lifecycle: () => SessionLifecycle, events: TypedEmitter<ConvaiClientEvents>): AudioControls {
  const set = (on: boolean): Promise<void> => lifecycle().setMic(on);
  const enabled = (): boolean => lifecycle().session?.isMicrophoneEnabled ?? false;
  const listeners = new Map<(state: AudioState) => void, () => void>();
  return {
    get isAudioMuted() {
      return !lifecycle().micOn;
    },
    get isAudioEnabled() {
      return enabled();
    },
    audioLevel: 0,
    enableAudio: () => set(true),
    disableAudio: () => set(false),
    muteAudio: () => set(false),
    unmuteAudio: () => set(true),
    toggleAudio: () => set(!lifecycle().micOn),
    async getAudioDevices() {
      const devices = typeof navigator === 'undefined' ? [] : ((await navigator.mediaDevices?.enumerateDevices()) ?? []);
      return devices.filter((d) => d.kind === 'audioinput');
    },
    async setAudioDevice(deviceId: string) {
      if (typeof deviceId !== 'string' || deviceId.length === 0) {
        throw new ConfigError('deviceId', 'Expected `deviceId` to be a non-empty string.');
      }
      const session = lifecycle().session;
      if (!session?.setMicrophoneDevice) {
        throw new TransportError('NOT_CONNECTED', 'Cannot switch microphones: no session that can switch devices is connected.');
      }
      await session.setMicrophoneDevice(deviceId);
    },
    startAudioLevelMonitoring: () => undefined,
    stopAudioLevelMonitoring: () => undefined,
    on(event, listener) {
      if (event !== 'audioStateChange') return () => undefined;
      const off = events.on('audioMuteChange', (muted) => listener({ isAudioMuted: muted, isAudioEnabled: enabled(), audioLevel: 0 }));
      listeners.set(listener, off);
      return () => {
        off();
        listeners.delete(listener);
      };
    },
    off(_event, listener) {
      listeners.get(listener)?.();
      listeners.delete(listener);
    },
  };
}
