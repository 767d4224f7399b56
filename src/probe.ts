// The `convai-transport/probe` subpath: the WebRTC/WebSocket probe alone, without the client.
export * from '../probes/index.js';
