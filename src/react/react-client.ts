import { ConvaiClient } from '../client/convai-client.js';

/** `activity` texts of the Convai Web SDK 1.2.0's `useConvaiClient`. */
export type ConvaiActivity = 'Disconnected' | 'Connecting...' | 'Connected' | 'Listening' | 'Thinking' | 'Speaking';

/**
 * The client `useConvaiClient` returns: a `ConvaiClient` with the reactive fields
 * 1.2.0's hook adds. It stays the same object across renders (1.2.0 returned a new
 * one each render), so it can sit in effect dependencies.
 */
export class ReactConvaiClient extends ConvaiClient {
  /** The agent's activity for people, from `state` (1.2.0 started at `'Idle'`). */
  get activity(): ConvaiActivity {
    const s = this.state;
    if (s.isConnecting) return 'Connecting...';
    if (!s.isConnected) return 'Disconnected';
    if (s.isSpeaking) return 'Speaking';
    if (s.isListening) return 'Listening';
    if (s.isThinking) return 'Thinking';
    return 'Connected';
  }

  /** `audioControls.isAudioMuted`. */
  get isAudioMuted(): boolean {
    return this.audioControls.isAudioMuted;
  }

  /** Always false: video is not supported. */
  get isVideoEnabled(): boolean {
    return false;
  }

  /** Always false: screen share is not supported. */
  get isScreenShareActive(): boolean {
    return false;
  }
}
