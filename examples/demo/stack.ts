import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startBackend, type Backend } from '../backend/server.js';
import { startCoturn, type Coturn } from '../backend/coturn.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../backend/livekit-room/index.js';
import { createPipecatBot, type PipecatBot } from '../backend/pipecat-bot.js';
import { wsEchoService } from '../backend/ws-echo.js';

export interface DemoStackOptions {
  /**
   * Start coturn. `'auto'` starts it where `turnserver` is installed and goes on
   * without TURN otherwise; `true` refuses to start without it.
   * @default 'auto'
   */
  readonly turn?: boolean | 'auto';
  /** @default a no-op */
  readonly log?: (line: string) => void;
  /** The API key `/connect` accepts. @default random per run */
  readonly apiKey?: string;
}

export interface DemoStack {
  /** The local Convai backend: `/connect`, the LiveKit room, the Pipecat bot. */
  readonly backend: Backend;
  readonly room: LiveKitRoomService;
  readonly bot: PipecatBot;
  /** Undefined when coturn is not installed (and `turn` was `'auto'`). */
  readonly turn: Coturn | undefined;
  /** The API key `/connect` accepts: random per run, only ever handed to the demo pages. */
  readonly apiKey: string;
  stop(): Promise<void>;
}

export const TURNSERVER_PATHS = ['/usr/bin/turnserver', '/usr/sbin/turnserver', '/usr/local/bin/turnserver'];
export const COTURN_MISSING =
  'coturn is not installed, so there is no TURN server. Install it with `apt-get install coturn` ' +
  '(Debian/Ubuntu) or `brew install coturn` (macOS).';

const secret = (): string => randomBytes(18).toString('base64url');

/** Starts coturn (where installed), the LiveKit room, the Pipecat bot and the backend, all on 127.0.0.1. */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const log = options.log ?? (() => {});
  const want = options.turn ?? 'auto';
  const installed = TURNSERVER_PATHS.some((p) => existsSync(p));
  if (want === true && !installed) throw new Error(COTURN_MISSING);
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    let turn: Coturn | undefined;
    if (want !== false && installed) {
      turn = await startCoturn({ username: 'demo', password: secret() });
      cleanups.push(() => turn!.stop());
    }
    const iceServers = turn
      ? [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: turn.password }]
      : [];
    const room = createLiveKitRoom({ apiKey: 'demo-livekit', apiSecret: secret() + secret(), iceServers, log });
    const bot = createPipecatBot({ log });
    const apiKey = options.apiKey ?? `demo-${secret()}`;
    const backend = await startBackend({
      apiKey,
      // Convai's shape: `/connect` names no ICE servers; the room's join response does.
      // /probe/ws answers the diagnostics page's WebSocket check.
      services: [room, bot, wsEchoService()],
      log,
    });
    cleanups.push(() => backend.stop());
    return { backend, room, bot, turn, apiKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
