import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { startBackend, type Backend, type BackendOptions } from '../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../examples/backend/livekit-room/index.js';
import { createPipecatBot, type PipecatBot } from '../examples/backend/pipecat-bot.js';
import { startCoturn, type Coturn } from '../test/support/coturn.js';
import { startPageServer, type PageServer } from '../test/support/page-server.js';
import { launchChromium, type LaunchedBrowser } from '../test/support/chromium.js';
import { createNetns, type Netns } from '../test/support/netns.js';
import { startRoomProcess } from './room-process.js';

/**
 * The local stack every browser measurement runs against: real coturn, the backend's
 * `/connect`, its LiveKit room (werift peer) and Pipecat bot, and the bench page
 * bundled with code splitting (so the WebSocket module is a chunk the browser fetches).
 */
export interface BenchStack {
  readonly backend: Backend;
  /** The LiveKit room, when it runs in this process (`BenchStackOptions.roomProcess` off). */
  readonly room: LiveKitRoomService | undefined;
  readonly bot: PipecatBot;
  readonly turn: Coturn;
  readonly pages: PageServer;
  readonly apiKey: string;
  /** Set when the stack serves a network namespace whose UDP is dropped. */
  readonly netns: Netns | undefined;
  /** What `/connect` answers (see `BenchStackOptions.shape`). */
  readonly shape: BackendShape;
  /**
   * The TURN servers handed out (in the LiveKit join; also in `/connect` with the
   * `'ice-in-connect'` shape): `'full'` (TURN/UDP + TURN/TCP) or `'udp-only'` (no TURN/TCP:
   * with UDP unusable, nothing can relay, so WebSocket is the only way).
   */
  offer: 'full' | 'udp-only';
  /** Credentials-bearing ICE servers for the probe-alone runs. */
  iceServers(kind: 'full' | 'udp-only' | 'stun-turn'): RTCIceServer[];
  stop(): Promise<void>;
}

/**
 * `'convai'` (the default, and what the reported figures use): `/connect` answers as
 * Convai's does, `room_url`, `token`, `character_session_id` and no ICE servers, so the
 * probe learns the TURN servers from the LiveKit join. `'ice-in-connect'`: the local
 * backend also returns `ice_servers`, which Convai does not; any figure measured with it
 * must say so.
 */
export type BackendShape = 'convai' | 'ice-in-connect';

export interface BenchStackOptions {
  readonly netns?: boolean;
  /** @default 'convai' */
  readonly shape?: BackendShape;
  /** The page the browser loads; it must set `window.benchReady`. @default 'bench/pages/bench-page.ts' */
  readonly page?: string;
  /**
   * Run the LiveKit room in its own process (`bench/room-process.ts`), as a LiveKit server is
   * its own service; the connect-time figures use it. Off, the room shares this process and
   * its stats can be read (the soak). @default false
   */
  readonly roomProcess?: boolean;
}

export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  const shape = options.shape ?? 'convai';
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const ns = options.netns ? await createNetns({ drop: ['udp'] }) : undefined;
    if (ns) cleanups.push(() => ns.close());
    const host = ns?.rootIp ?? '127.0.0.1';
    // werift never deallocates its TURN allocations (each holds a relay port for coturn's
    // 10 min lifetime, measured): the Node probe runs need far more than the default 40
    const turn = await startCoturn({ host, password: randomBytes(12).toString('base64url'), relayPorts: 400 });
    cleanups.push(() => turn.stop());
    const cred = { username: turn.username, credential: turn.password };
    const roomOptions = {
      apiKey: 'bench-livekit',
      apiSecret: randomBytes(32).toString('base64url'),
      iceServers: [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], ...cred }],
      extraPeerAddresses: ns ? [ns.rootIp] : [],
    };
    const thread = options.roomProcess ? await startRoomProcess({ ...roomOptions, host }) : undefined;
    const room = thread ? undefined : createLiveKitRoom(roomOptions);
    const livekit = thread?.service ?? room!;
    const bot = createPipecatBot();
    const apiKey = `bench-${randomBytes(12).toString('base64url')}`;
    const state = { offer: 'full' as 'full' | 'udp-only' };
    const backendOptions: { -readonly [K in keyof BackendOptions]: BackendOptions[K] } = { apiKey, host, services: [livekit, bot] };
    if (shape === 'ice-in-connect') {
      // not Convai's shape: labelled wherever a figure uses it. A getter read at every
      // /connect (an object spread would freeze it at the 'full' offer)
      Object.defineProperty(backendOptions, 'connectIceServers', {
        enumerable: true,
        get: () => [{ urls: state.offer === 'full' ? [turn.turnUdpUrl, turn.turnTcpUrl] : [turn.turnUdpUrl], ...cred }],
      });
    }
    const backend = await startBackend(backendOptions);
    cleanups.push(() => backend.stop());
    // minified, as an app ships it: the fallback's cost includes loading and parsing the chunk
    const pages = await startPageServer({ entries: { app: options.page ?? 'bench/pages/bench-page.ts' }, host, minify: true });
    cleanups.push(() => pages.stop());
    return {
      backend,
      room,
      bot,
      turn,
      pages,
      apiKey,
      netns: ns,
      shape,
      get offer() {
        return state.offer;
      },
      set offer(value) {
        state.offer = value;
        // the LiveKit join answer follows the same network story
        if (room) room.faults.omitTurnTcp = value === 'udp-only';
        // asynchronous: set before a scenario's rounds, long before its first join
        else void thread?.setFaults({ omitTurnTcp: value === 'udp-only' });
      },
      iceServers: (kind) => {
        if (kind === 'stun-turn') return [{ urls: turn.stunUrl }, { urls: [turn.turnUdpUrl, turn.turnTcpUrl], ...cred }];
        return [{ urls: kind === 'full' ? [turn.turnUdpUrl, turn.turnTcpUrl] : [turn.turnUdpUrl], ...cred }];
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One Chromium for one scenario: plain, with the UDP policy flag, or inside the stack's netns. */
export interface BenchBrowser {
  readonly context: BrowserContext;
  /** A fresh page (fresh JS heap and module graph; localStorage shared within the context). */
  openPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function openBenchBrowser(stack: BenchStack, mode: 'plain' | 'udp-flag', extraArgs: readonly string[] = []): Promise<BenchBrowser> {
  const ns = stack.netns;
  const args = [...extraArgs];
  if (mode === 'udp-flag') args.push('--webrtc-ip-handling-policy=disable_non_proxied_udp');
  // a page origin outside loopback is not a secure context: no getUserMedia without this
  if (ns) args.push(`--unsafely-treat-insecure-origin-as-secure=${stack.pages.url.replace(/\/$/, '')}`);
  const launched: LaunchedBrowser = await launchChromium({
    args,
    ...(ns ? { executablePath: ns.chromiumPath, excludeHosts: [ns.rootIp] } : {}),
  });
  const context = await launched.browser.newContext();
  return {
    context,
    openPage: async () => {
      const page = await context.newPage();
      await page.goto(stack.pages.url);
      await page.waitForFunction(() => window.benchReady === true);
      return page;
    },
    close: () => launched.close(),
  };
}
