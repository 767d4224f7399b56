import { randomBytes } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../test/support/chromium.js';
import { startPageServer, type PageServer } from '../test/support/page-server.js';
import { startCoturn, type Coturn } from '../test/support/coturn.js';
import { createNetns, type Netns } from '../test/support/netns.js';
import { startLossyRelay, type LossyRelay } from '../test/verdict/lossy-relay.js';
import { startBackend, type Backend } from '../examples/backend/server.js';
import { createLiveKitRoom, type IceServerConfig } from '../examples/backend/livekit-room/index.js';
import { createPipecatBot } from '../examples/backend/pipecat-bot.js';
import type { HearSample } from './pages/hear-page.js';

export interface HearCondition {
  readonly id: string;
  readonly label: string;
  /** Random IP packet loss on the client's link, percent, each direction (kernel, TCP and UDP alike). */
  readonly lossPercent?: number;
  /** One-way delay added to every packet, each direction (userspace relay in front of TURN and of the backend). */
  readonly delayMs?: number;
}

export const HEAR_CONDITIONS: readonly HearCondition[] = [
  { id: 'healthy', label: 'healthy' },
  { id: 'loss-5', label: '5 % loss', lossPercent: 5 },
  { id: 'rtt-200', label: '200 ms RTT', delayMs: 100 },
  { id: 'loss-5-rtt-200', label: '5 % loss + 200 ms RTT', lossPercent: 5, delayMs: 100 },
];

export type HearTransport = 'livekit' | 'websocket';

const API_KEY = `bench-hear-${randomBytes(8).toString('hex')}`;

/**
 * The verdict matrix's rig, for listening: Chromium in a network namespace, coturn, the
 * backend with its LiveKit room and Pipecat bot on the namespace's root side, both bots
 * speaking `replyMs` of tone per reply. A condition sets the veth's random loss (nft) and,
 * for delay, starts relays in front of coturn and of the backend, so TURN (UDP and TCP),
 * signalling and the Pipecat WebSocket all cross the same impaired path.
 */
export class HearRig {
  private context: BrowserContext | undefined;

  private constructor(
    private readonly ns: Netns,
    private readonly turn: Coturn,
    private readonly pages: PageServer,
    private readonly backend: Backend,
    private readonly browser: LaunchedBrowser,
    private readonly state: { servers: IceServerConfig[] },
  ) {}

  static async start(replyMs: number): Promise<HearRig> {
    const opened: { close(): Promise<void> }[] = [];
    try {
      const ns = await createNetns({ drop: [] });
      opened.push(ns);
      const turn = await startCoturn({ host: ns.rootIp });
      opened.push({ close: () => turn.stop() });
      const pages = await startPageServer({ entries: { app: 'bench/pages/hear-page.ts' }, host: ns.rootIp, minify: true });
      opened.push({ close: () => pages.stop() });
      const state: { servers: IceServerConfig[] } = { servers: [] };
      const room = createLiveKitRoom({
        apiKey: 'bench-hear',
        apiSecret: randomBytes(32).toString('base64url'),
        get iceServers() {
          return state.servers;
        },
        extraPeerAddresses: [ns.rootIp],
        toneMs: replyMs,
      });
      const bot = createPipecatBot({ toneMs: replyMs });
      const backend = await startBackend({ apiKey: API_KEY, host: ns.rootIp, services: [room, bot] });
      opened.push({ close: () => backend.stop() });
      const browser = await launchChromium({
        executablePath: ns.chromiumPath,
        excludeHosts: [ns.rootIp],
        args: [`--unsafely-treat-insecure-origin-as-secure=${pages.url.replace(/\/$/, '')}`],
      });
      return new HearRig(ns, turn, pages, backend, browser, state);
    } catch (error) {
      for (const o of opened.reverse()) await o.close().catch(() => undefined);
      throw error;
    }
  }

  private closing: Promise<void> | undefined;

  close(): Promise<void> {
    this.closing ??= (async () => {
      const steps = [() => this.context?.close(), () => this.browser.close(), () => this.backend.stop(), () => this.pages.stop(), () => this.turn.stop(), () => this.ns.close()];
      for (const step of steps) await Promise.resolve().then(step).catch(() => undefined);
    })();
    return this.closing;
  }

  /** Untimed sessions on both transports: the first session of a browser pays for its audio stack's start. */
  async warmUp(replyMs: number): Promise<void> {
    for (const transport of ['livekit', 'websocket'] as const) await this.hearOnce({ id: 'warm-up', label: 'warm-up' }, transport, replyMs);
  }

  /** One session on a forced transport under `condition`: connect, one reply heard, disconnect. */
  async hearOnce(condition: HearCondition, transport: HearTransport, replyMs: number): Promise<HearSample> {
    const relays: LossyRelay[] = [];
    this.context ??= await this.browser.browser.newContext();
    const page = await this.context.newPage();
    try {
      this.ns.setRules({ lossPercent: condition.lossPercent ?? 0 });
      let turnHost = this.turn.host;
      let turnUdp = this.turn.port;
      let url = this.backend.url.replace(/\/$/, '');
      let route: { from: string; to: string } | undefined;
      if (condition.delayMs) {
        const toTurn = await startLossyRelay({ host: this.ns.rootIp, target: { host: this.turn.host, port: this.turn.port }, delayMs: condition.delayMs });
        const toBackend = await startLossyRelay({ host: this.ns.rootIp, target: { host: this.ns.rootIp, port: this.backend.port }, delayMs: condition.delayMs });
        relays.push(toTurn, toBackend);
        turnHost = toTurn.host;
        turnUdp = toTurn.udpPort;
        url = `http://${toBackend.host}:${toBackend.tcpPort}`;
        // /connect answers with the backend's own ws:// base; the page sends those sockets through the relay too
        route = { from: `ws://${this.ns.rootIp}:${this.backend.port}`, to: `ws://${toBackend.host}:${toBackend.tcpPort}` };
      }
      // TURN/UDP only: offered TURN/TCP too, Chromium under loss sometimes settled on the TCP relay (its first
      // allocation to answer), where TCP turns loss into retransmission delay: two transports in one figure
      this.state.servers = [{ urls: [`turn:${turnHost}:${turnUdp}?transport=udp`], username: this.turn.username, credential: this.turn.password }];
      await page.goto(this.pages.url);
      await page.waitForFunction(() => window.hearReady === true);
      const connected = await page.evaluate((input) => window.hearPage.connect(input as never), {
        config: {
          apiKey: API_KEY,
          characterId: `hear-${condition.id}`,
          url,
          transport,
          backendRetries: 1,
          connectTimeoutMs: 15_000,
        },
        ...(route ? { route } : {}),
      });
      if (!connected.ok) return { ok: false, error: `connect failed: ${connected.code ?? ''} ${connected.message ?? ''}`.trim() };
      const meterError = await page.evaluate(() => window.hearPage.meterReady(15_000));
      if (meterError) return { ok: false, error: meterError };
      // let the session settle (LiveKit publishes the mic right after connect)
      await page.waitForTimeout(500);
      return await page.evaluate(([text, ms]) => window.hearPage.hear(text, ms), [`hear ${condition.id}`, replyMs + 10_000] as const);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    } finally {
      await page.evaluate(() => window.hearPage?.disconnect()).catch(() => undefined);
      await page.close().catch(() => undefined);
      this.ns.setRules({});
      for (const r of relays) await r.close();
    }
  }
}
