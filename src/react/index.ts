/**
 * `convai-transport/react`: a hook and a widget for React 18 and 19. `react` is an
 * optional peer dependency; the core entry never imports this file, and this file
 * never reaches Pipecat (the WebSocket code stays behind the negotiator's import()).
 */
export { useConvaiClient, useConvaiState } from './use-convai-client.js';
export type { UseConvaiClientOptions } from './use-convai-client.js';
export { ReactConvaiClient } from './react-client.js';
export type { ConvaiActivity } from './react-client.js';
export { ConvaiWidget } from './convai-widget.js';
export type { ConvaiWidgetProps } from './convai-widget.js';
export { describeTransport, reasonLabel, REASON_LABELS } from '../widget/transport-text.js';
export type { TransportDescription } from '../widget/transport-text.js';
// as 1.2.0's `/react`, the client and its types are here too
export { ConvaiClient } from '../client/convai-client.js';
export type { ConvaiClientConfig, ConvaiClientConfig as ConvaiConfig } from '../client/config.js';
export type { ConvaiClientState, AgentState } from '../client/state.js';
export type { ChatMessage } from '../client/chat-log.js';
export type { AudioControls } from '../client/audio-controls.js';
export { ConvaiDiagnostics } from './convai-diagnostics.js';
export type { ConvaiDiagnosticsProps } from './convai-diagnostics.js';
