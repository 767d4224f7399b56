/**
 * `convai-transport/websocket` (alias `convai-transport/vanilla/websocket`): the opt-in
 * WebSocket (Pipecat) transport. Importing it registers the Pipecat-backed session
 * factory; that is its only side effect. It is the only module that reaches
 * `@pipecat-ai/*`; `convai-transport/auto` loads it with `import()` when needed.
 */
import { setWebSocketFactory } from './client/websocket-registry.js';
import { createPipecatSession } from './transports/pipecat-session.js';

setWebSocketFactory(createPipecatSession);

export { PipecatSession, createPipecatSession } from './transports/pipecat-session.js';
export type { PipecatSessionOptions } from './transports/pipecat-session.js';
export type { WebSocketConstructor, WebSocketLike } from './transports/pipecat-socket.js';
