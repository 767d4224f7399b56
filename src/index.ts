/**
 * `convai-transport` (alias `convai-transport/vanilla`): the client for forced
 * transports, its errors and the vanilla widget. No negotiator and no Pipecat: an app
 * that imports only this entry gets no WebSocket code in any file it ships.
 * `transport: 'websocket'` needs `import 'convai-transport/vanilla/websocket'`;
 * `transport: 'auto'` needs `import 'convai-transport/auto'`.
 */
export { ConvaiClient } from './client/convai-client.js';
export type { AudioControls, AudioState, ConnectOptions, ConvaiClientEvents } from './client/convai-client.js';
export { CLIENT_DEFAULTS, NEGOTIATION_DEFAULTS, IGNORED_FIELDS } from './client/config.js';
export type { ConvaiClientConfig, TransportPreference, ConnectionType, NegotiationConfig } from './client/config.js';
export type { ConvaiClientState, AgentState } from './client/state.js';
export type { ChatMessage, ChatMessageType } from './client/chat-log.js';
export type { InboundMessage } from './messages/convai-messages.js';
export type {
  HandoffInfo,
  IceServerSource,
  NegotiationEvent,
  NegotiationReason,
  NegotiationResult,
  NegotiationTimings,
  VerdictStore,
} from './client/negotiation-types.js';
export type { IWebSocketSession, TransportKind, WebSocketSessionOptions, WebSocketTransportFactory } from './transports/transport-session.js';
export { createConvaiWidget, destroyConvaiWidget } from './widget/create-widget.js';
export type { ConvaiWidgetOptions, ConvaiWidgetHandle } from './widget/create-widget.js';
export * from './errors/index.js';

// The Convai Web SDK 1.2.0's type names, so its apps' annotations keep compiling
export type { ConvaiClientConfig as ConvaiConfig } from './client/config.js';
export type { ConvaiClient as IConvaiClient, ConvaiClient as ConvaiClientType } from './client/convai-client.js';
export type { ConvaiWidgetOptions as VanillaWidgetOptions, ConvaiWidgetHandle as VanillaWidget } from './widget/create-widget.js';
