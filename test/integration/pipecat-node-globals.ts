import { WebSocket as NodeWebSocket } from 'ws';

/**
 * What Pipecat's client needs in Node (measured with client-js 1.13): a `window` (client-js reads
 * `window?.navigator`, which throws on an undeclared global) and a global WebSocket
 * (Node 20 has none; `ws` speaks the same API). There is no Web Audio here, so the
 * session runs headless: no capture, no playback, a MICROPHONE_UNAVAILABLE notice.
 */
export function installPipecatNodeGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  if (g['window'] === undefined) g['window'] = globalThis;
  if (g['WebSocket'] === undefined) g['WebSocket'] = NodeWebSocket;
}
