export { ConvaiClient } from './client/convai-client.js';
export type {
  AudioControls,
  ClientInternals,
  ConnectOptions,
  ConvaiClientEvents,
} from './client/convai-client.js';
export { CLIENT_DEFAULTS, resolveConfig, validateIceServers } from './client/config.js';
export type { ConvaiClientConfig, ResolvedConfig, TransportPreference, ConnectionType } from './client/config.js';
export { requestSession, parseConnectResponse } from './client/backend.js';
export type { BackendSession, BackendRequestOptions } from './client/backend.js';
export type { ConvaiClientState, AgentState } from './client/state.js';
export type { ChatMessage, ChatMessageType } from './client/chat-log.js';
export { decodeMessage, encodeMessage, validateInbound } from './messages/convai-messages.js';
export type { InboundMessage, OutboundMessage, DecodeResult } from './messages/convai-messages.js';
export type {
  ConnectTarget,
  IWebSocketSession,
  SessionConnectOptions,
  TransportKind,
  TransportSession,
  TransportSessionEvents,
  WebSocketSessionOptions,
  WebSocketTransportFactory,
} from './transports/transport-session.js';
export { connectConvai } from './negotiator/connect-convai.js';
export type { ConnectConvaiOptions, ConnectConvaiResult } from './negotiator/connect-convai.js';
export type { NegotiationEvent, NegotiationResult, NegotiationTimings, HandoffInfo } from './negotiator/negotiation-types.js';
export { chooseTransport, DEFAULT_STUN_SERVERS } from './negotiator/choose-transport.js';
export type { Choice, ProbeOutcome, IceServerSource } from './negotiator/choose-transport.js';
export { memoryStore } from './negotiator/verdict-cache.js';
export type { VerdictStore, RememberedVerdict } from './negotiator/verdict-cache.js';
export { NEGOTIATION_DEFAULTS } from './client/config.js';
export type { NegotiationConfig } from './client/config.js';
export * from './errors/index.js';
