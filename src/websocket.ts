/**
 * `convai-transport/websocket`: the opt-in WebSocket (Pipecat) transport.
 * Importing this module registers the Pipecat-backed session factory with
 * `ConvaiClient` — that is its only side effect. It is the only entry that
 * reaches `@pipecat-ai/*`; the core never imports it statically (the negotiator
 * loads it with `import()` when WebRTC is not usable).
 */
import { ConvaiClient } from './client/convai-client.js';
import { createPipecatSession } from './transports/pipecat-session.js';

ConvaiClient.registerWebSocketTransport(createPipecatSession);

export { PipecatSession, createPipecatSession } from './transports/pipecat-session.js';
export type { PipecatSessionOptions } from './transports/pipecat-session.js';
export type { WebSocketConstructor, WebSocketLike } from './transports/pipecat-socket.js';
export { CAPTURE_WORKLET_SOURCE, CAPTURE_PROCESSOR_NAME } from './transports/media/pcm-capture-worklet.js';
