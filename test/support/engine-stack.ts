import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';
import { createPipecatBot, type PipecatBot } from '../../examples/backend/pipecat-bot.js';
import { wsEchoService } from '../../examples/backend/ws-echo.js';
import { startCoturn, type Coturn } from './coturn.js';
import type { EnginePage, Engine } from './engine.js';
import { startPageServer, type PageServer } from './page-server.js';

/** The shared test pages (the same ones the Chromium-only files use) and the global each sets when ready. */
export const PAGES = {
  negotiator: { entry: 'test/e2e/pages/negotiator-page.ts', ready: 'negReady' },
  websocket: { entry: 'test/e2e/pages/websocket-page.ts', ready: 'wsReady' },
  livekit: { entry: 'test/e2e/pages/livekit-page.ts', ready: 'lkReady' },
  probe: { entry: 'test/e2e/probe-page.ts', ready: 'runProbe' },
} as const;
export type PageName = keyof typeof PAGES;

export interface EngineStack {
  readonly apiKey: string;
  readonly turn: Coturn;
  readonly backend: Backend;
  readonly room: LiveKitRoomService;
  readonly bot: PipecatBot;
  readonly servers: Readonly<Record<PageName, PageServer>>;
  /** Opens `name` in a new page of `engine` and waits until the page says it is ready. */
  open(engine: Engine, name: PageName): Promise<EnginePage>;
  /** Requests for the lazy WebSocket chunk the negotiator page's server has seen so far. */
  chunkRequests(): number;
  stop(): Promise<void>;
}

export interface EngineStackOptions {
  /** Where coturn, the backend and the pages listen: a namespace's root-side IP. @default '127.0.0.1' */
  readonly host?: string;
  /** TURN URLs the backend's `/connect` hands the probe. @default UDP and TCP */
  /** The TURN servers the room's join response names. @default 'udp+tcp' */
  readonly probeTurn?: 'udp' | 'udp+tcp';
  /** Addresses besides loopback the LiveKit room's peer may use (a namespace's root-side IP). */
  readonly extraPeerAddresses?: readonly string[];
}

/**
 * Everything the cross-engine files need, started once per file: coturn, the local backend
 * (LiveKit room, Pipecat bot, WebSocket echo for the probe) and the shared pages.
 */
export async function startEngineStack(options: EngineStackOptions = {}): Promise<EngineStack> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = 'sk-engines-e2e-0123456789';
  const turn = await startCoturn({ host });
  const cred = { username: turn.username, credential: turn.password };
  const room = createLiveKitRoom({
    apiKey: 'lk-key',
    apiSecret: 'lk-secret-that-is-long-enough-0123456789',
    iceServers: [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], ...cred }],
    ...(options.extraPeerAddresses ? { extraPeerAddresses: options.extraPeerAddresses } : {}),
  });
  const bot = createPipecatBot({ toneMs: 200 });
  // TURN over UDP only: the join response leaves TURN/TCP out
  if (options.probeTurn === 'udp') room.faults.omitTurnTcp = true;
  const backend = await startBackend({
    apiKey,
    host,
    // Convai's shape: the negotiator learns the TURN servers from the room's join response
    services: [room, bot, wsEchoService()],
  });
  const entries = Object.entries(PAGES) as [PageName, (typeof PAGES)[PageName]][];
  const started = await Promise.all(entries.map(([, p]) => startPageServer({ entries: { app: p.entry }, host })));
  const servers = Object.fromEntries(entries.map(([name], i) => [name, started[i]!])) as Record<PageName, PageServer>;
  return {
    apiKey,
    turn,
    backend,
    room,
    bot,
    servers,
    open: async (engine, name) => {
      const page = await engine.newPage();
      await page.goto(servers[name].url);
      const flag = PAGES[name].ready;
      await page.evaluate(
        (f) =>
          new Promise<void>((resolve, reject) => {
            const until = Date.now() + 10_000;
            const check = (): void => {
              if ((window as unknown as Record<string, unknown>)[f]) resolve();
              else if (Date.now() > until) reject(new Error(`page never set window.${f}`));
              else setTimeout(check, 20);
            };
            check();
          }),
        flag,
      );
      return page;
    },
    chunkRequests: () => servers.negotiator.requests.filter((p) => /\/websocket-[\w-]+\.js$/.test(p)).length,
    stop: async () => {
      await Promise.all(Object.values(servers).map((s) => s.stop()));
      await backend.stop();
      await turn.stop();
    },
  };
}
