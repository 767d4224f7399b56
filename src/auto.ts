/**
 * `convai-transport/auto`: the negotiator. Importing it makes `transport: 'auto'`
 * available to `ConvaiClient` and `useConvaiClient`, and exports `connectConvai()`.
 * The WebSocket (Pipecat) module is reached from here only through the dynamic
 * `import()` below, so bundlers emit it as a lazy chunk that a network where WebRTC
 * works never requests.
 */
import { setAutoNegotiator } from './client/auto-registry.js';
import { createAutoNegotiator } from './negotiator/auto-negotiator.js';

setAutoNegotiator(createAutoNegotiator({ loader: () => import('./websocket.js') }));

export { connectConvai } from './negotiator/connect-convai.js';
export type { ConnectConvaiOptions, ConnectConvaiResult } from './negotiator/connect-convai.js';
export { memoryStore } from './negotiator/verdict-cache.js';
