import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendService, ConnectContext } from '../examples/backend/server.js';
import type { IceServerConfig } from '../examples/backend/livekit-room/signal-codec.js';
import type { RoomFaults } from '../examples/backend/livekit-room/room-faults.js';

export interface RoomProcessOptions {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly iceServers: readonly IceServerConfig[];
  readonly extraPeerAddresses: readonly string[];
  readonly host: string;
}

export type RoomProcessRequest =
  | { readonly id: number; readonly type: 'connect-fields'; readonly ctx: Pick<ConnectContext, 'characterId' | 'characterSessionId' | 'endUserId'> }
  | { readonly id: number; readonly type: 'faults'; readonly faults: RoomFaults }
  | { readonly id: number; readonly type: 'close' };

type Request = RoomProcessRequest extends infer R ? (R extends RoomProcessRequest ? Omit<R, 'id'> : never) : never;

export interface RoomProcess {
  /** Plugs into the backend: `/connect` for LiveKit answers with this room's URL and token. */
  readonly service: BackendService;
  setFaults(faults: RoomFaults): Promise<void>;
}

/**
 * The local LiveKit room in a child process, behind its own port. A LiveKit server is its own
 * service: in the bench runner's event loop, its werift work at each join (answer, ICE, DTLS)
 * held up the page server, the `/connect` and the Pipecat bot by tens of milliseconds, a cost
 * only the `auto` runs paid (they run a LiveKit attempt beside the WebSocket fallback).
 */
export async function startRoomProcess(options: RoomProcessOptions): Promise<RoomProcess> {
  const worker = fork(fileURLToPath(new URL('./room-process-main.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  worker.send(options);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  worker.on('message', (message: { id?: number; value?: unknown; error?: string }) => {
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error !== undefined) waiter.reject(new Error(`room thread: ${message.error}`));
    else waiter.resolve(message.value);
  });
  const failAll = (error: Error): void => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`room process exited (${code})`)));
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`room process exited (${code}) before it was ready`)));
  });
  const call = (request: Request): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.send({ ...request, id });
    });
  return {
    service: {
      name: 'livekit-room (own process)',
      transport: 'livekit',
      connectFields: async (ctx) =>
        (await call({ type: 'connect-fields', ctx: { characterId: ctx.characterId, characterSessionId: ctx.characterSessionId, endUserId: ctx.endUserId } })) as Record<string, unknown>,
      close: async () => {
        await call({ type: 'close' }).catch(() => undefined);
        if (worker.exitCode === null) worker.kill();
      },
    },
    setFaults: async (faults) => {
      await call({ type: 'faults', faults });
    },
  };
}
