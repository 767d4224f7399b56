/**
 * `convai-transport/react`: a hook and a widget for React 18 and 19. `react` is an
 * optional peer dependency; the core entry never imports this file, and this file
 * never reaches Pipecat (the WebSocket code stays behind the negotiator's import()).
 */
export { useConvaiClient, useConvaiState } from './use-convai-client.js';
export type { UseConvaiClientOptions } from './use-convai-client.js';
export { ConvaiWidget } from './convai-widget.js';
export type { ConvaiWidgetProps } from './convai-widget.js';
export { describeTransport, reasonLabel, REASON_LABELS } from '../widget/transport-text.js';
export type { TransportDescription } from '../widget/transport-text.js';
export { ConvaiDiagnostics } from './convai-diagnostics.js';
export type { ConvaiDiagnosticsProps } from './convai-diagnostics.js';
