import { randomUUID } from 'node:crypto';
import { createLiveKitRoom } from '../examples/backend/livekit-room/index.js';
import { startBackend } from '../examples/backend/server.js';
import type { RoomProcessOptions, RoomProcessRequest } from './room-process.js';

/** The child side of `startRoomProcess`: one LiveKit room behind its own HTTP server. */
const send = (message: unknown): void => void process.send?.(message);
if (!process.send) throw new Error('room-process-main runs only as a forked child (IPC)');
// the options carry the room's secret: by IPC, not argv (visible in `ps`)
const options = await new Promise<RoomProcessOptions>((resolve) => process.once('message', (m) => resolve(m as RoomProcessOptions)));

const room = createLiveKitRoom({
  apiKey: options.apiKey,
  apiSecret: options.apiSecret,
  iceServers: options.iceServers,
  extraPeerAddresses: options.extraPeerAddresses,
});
// its own /connect is never asked: the main thread's backend asks this room for its fields
const server = await startBackend({ apiKey: randomUUID(), host: options.host, services: [room] });
const wsBase = server.url.replace(/^http/, 'ws');

process.on('message', (request: RoomProcessRequest) => {
  const reply = (value: unknown): void => send({ id: request.id, value });
  const fail = (error: unknown): void => send({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  switch (request.type) {
    case 'connect-fields':
      Promise.resolve(room.connectFields!({ ...request.ctx, wsBase, httpBase: server.url })).then(reply, fail);
      break;
    case 'faults':
      Object.assign(room.faults, request.faults);
      reply(true);
      break;
    case 'close':
      server.stop().then(() => (reply(true), process.disconnect()), fail);
      break;
  }
});
send({ ready: true, port: new URL(server.url).port });
