import type { ConvaiError } from '../errors/convai-error.js';
import type { TransportKind } from '../errors/transport-error.js';
import type { InboundMessage } from '../messages/convai-messages.js';
import type { ChatMessage } from './chat-log.js';
import type { NegotiationEvent } from './negotiation-types.js';
import type { ConvaiClientState } from './state.js';

export interface ConvaiClientEvents {
  stateChange: ConvaiClientState;
  connect: { readonly transport: TransportKind; readonly characterSessionId: string | undefined };
  disconnect: { readonly reason: string; readonly error?: ConvaiError };
  error: ConvaiError;
  message: InboundMessage;
  messagesChange: readonly ChatMessage[];
  botReady: { readonly transport: TransportKind };
  userTranscriptionChange: string;
  speakingChange: boolean;
  botAudioTrack: MediaStreamTrack;
  audioMuteChange: boolean;
  /**
   * How the transport is being chosen: probing, verdict, loading-fallback, connecting,
   * fallback, connected; and `handoff` when a lost LiveKit session moves to WebSocket
   * mid-conversation.
   */
  negotiation: NegotiationEvent;
  /** The transport is restoring a lost connection by itself (LiveKit). */
  reconnecting: { readonly transport: TransportKind; readonly reason: string };
}
