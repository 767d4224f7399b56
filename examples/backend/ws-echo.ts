import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BackendService } from './server.js';

export interface WsEchoOptions {
  /** URL path the probe connects to. @default '/probe/ws' */
  readonly path?: string;
  /**
   * Accept the upgrade and then never answer: what a buffering proxy looks like to a client.
   * For tests of the probe's `WS_HANG`. @default false
   */
  readonly hang?: boolean;
}

export interface WsEchoService extends BackendService {
  /** Sockets currently open on the server side (to check the probe closes its own). */
  readonly openSockets: () => number;
}

/**
 * The backend end of the probe's WebSocket check: answers every text message with
 * `pong`, so the probe sees an application-level answer, not only a completed upgrade.
 */
export function wsEchoService(options: WsEchoOptions = {}): WsEchoService {
  const path = options.path ?? '/probe/ws';
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  const sockets = new Set<WebSocket>();
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.terminate());
    socket.on('message', () => {
      if (!options.hang) socket.send('pong');
    });
  });
  return {
    name: 'ws-echo',
    openSockets: () => sockets.size,
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      if ((req.url ?? '').split('?')[0] !== path) return false;
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      return true;
    },
    async close(): Promise<void> {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
