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
  /**
   * A failure the app should know of: a connect that failed, a lost session, a dropped
   * inbound message, or a send that was not sent (`NOT_CONNECTED`, `SEND_FAILED`,
   * `INVALID_CONFIG`); the session, if any, lives on unless `disconnect` follows.
   */
  error: ConvaiError;
  /** The last chat message, whenever the chat log changes (as in the Convai Web SDK 1.2.0). */
  message: ChatMessage;
  messagesChange: readonly ChatMessage[];
  /** Every decoded inbound Convai message, whatever its type (before this library's handling). */
  inboundMessage: InboundMessage;
  /** `sendUserTextMessage()` started a turn; `sessionId` is `conversationSessionId`. */
  conversationStart: { readonly sessionId: number; readonly userMessage: string; readonly timestamp: number };
  /** The bot stopped speaking after a turn; `duration` in seconds since `conversationStart`. */
  turnEnd: { readonly sessionId: number; readonly duration: number; readonly timestamp: number };
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
