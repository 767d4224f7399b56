import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { createNetns, type Netns } from '../support/netns.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type IceServerConfig, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';
import { createPipecatBot, type PipecatBot } from '../../examples/backend/pipecat-bot.js';
import type { VerdictRunOutcome } from './verdict-page.js';
import type { VerdictCondition } from './conditions.js';
import { startLossyRelay, type LossyRelay } from './lossy-relay.js';
import { judge, type RunMeasure } from './judge.js';
import { readTransport, type VerdictReading } from './reading.js';
import type { VerdictRow } from './verdict-row.js';

export type { VerdictReading } from './reading.js';
export type { VerdictRow } from './verdict-row.js';

export interface VerdictRigOptions {
  /** The negotiator's probe deadline. @default 1000 (the library's default) */
  readonly probeDeadlineMs?: number;
  /** Bound on each connect, bot-ready included: generous, so ground truth is not a race. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Bound on each text round trip. @default 10000 */
  readonly converseTimeoutMs?: number;
  /** Also measure a forced WebSocket session (tells "no transport works" from a wrong verdict). @default true */
  readonly checkWebSocket?: boolean;
  /**
   * When to read the transport `auto`'s conversation is on, 10 s after connect.
   * `'full'`: every condition, waiting the whole 10 s (the bench). `'quick'`: only where the
   * condition says LiveKit works, and done as soon as the conversation is on LiveKit (the
   * test: a healthy network costs nothing). @default 'full'
   */
  readonly reading?: 'full' | 'quick';
  readonly log?: (line: string) => void;
}

/**
 * After the deadline fires the probe still closes its peer connections and the negotiator
 * hops through its event loop; on this 2-core machine shared by several test runs, timers
 * fire up to ~200 ms late (3184 ms measured for a 3 s deadline at load average 10). The
 * bound exists to catch a stack's own give-up deciding (Chromium: ~40 s), not milliseconds.
 */
export const DEADLINE_SLACK_MS = 250;

const API_KEY = 'sk-verdict-matrix-0123456789';

/**
 * One namespace, one coturn, one backend (LiveKit room + Pipecat bot), one Chromium inside
 * the namespace; each condition rewrites the firewall and the TURN URLs handed out, and
 * each run gets a fresh browser context. Nothing listens or sends outside loopback and
 * the namespace's /30.
 */
export class VerdictRig {
  private constructor(
    private readonly ns: Netns,
    private readonly turn: Coturn,
    private readonly pages: PageServer,
    private readonly backend: Backend,
    private readonly room: LiveKitRoomService,
    private readonly bot: PipecatBot,
    private readonly browser: LaunchedBrowser,
    private readonly state: { servers: IceServerConfig[]; advertised: string | undefined },
    private readonly options: VerdictRigOptions,
  ) {}

  static async start(options: VerdictRigOptions = {}): Promise<VerdictRig> {
    const opened: { close(): Promise<void> }[] = [];
    try {
      const ns = await createNetns({ drop: [] });
      opened.push(ns);
      const turn = await startCoturn({ host: ns.rootIp });
      opened.push({ close: () => turn.stop() });
      const pages = await startPageServer({ entries: { app: 'test/verdict/verdict-page.ts' }, host: ns.rootIp });
      opened.push({ close: () => pages.stop() });
      const state: { servers: IceServerConfig[]; advertised: string | undefined } = { servers: [], advertised: undefined };
      const room = createLiveKitRoom({
        apiKey: 'lk-key',
        apiSecret: 'lk-secret-that-is-long-enough-0123456789',
        // read at every join: each condition hands out its own TURN URLs
        get iceServers() {
          return state.servers;
        },
        extraPeerAddresses: [ns.rootIp],
      });
      const bot = createPipecatBot();
      const backend = await startBackend({
        apiKey: API_KEY,
        host: ns.rootIp,
        // Convai's shape: the probe learns the TURN servers from the room's join response
        services: [room, bot],
        // read at every /connect: a whole-path condition sends clients through its delaying relay
        get advertisedHostPort() {
          return state.advertised;
        },
      });
      opened.push({ close: () => backend.stop() });
      const origin = pages.url.replace(/\/$/, '');
      const browser = await launchChromium({
        executablePath: ns.chromiumPath,
        excludeHosts: [ns.rootIp],
        // the page's origin is not loopback, so not a secure context: no getUserMedia without this
        args: [`--unsafely-treat-insecure-origin-as-secure=${origin}`],
      });
      return new VerdictRig(ns, turn, pages, backend, room, bot, browser, state, options);
    } catch (error) {
      for (const o of opened.reverse()) await o.close().catch(() => undefined);
      throw error;
    }
  }

  private get connectTimeoutMs(): number {
    return this.options.connectTimeoutMs ?? 10_000;
  }

  private closing: Promise<void> | undefined;
  private context: BrowserContext | undefined;
  private readonly tabs = new Map<'plain' | 'no-pc', Page>();

  /** Idempotent: a signal handler and a `finally` may both call it. */
  close(): Promise<void> {
    this.closing ??= this.teardown();
    return this.closing;
  }

  private async teardown(): Promise<void> {
    // each step on its own: one that fails must not leave the rest (a namespace, coturn) behind
    const steps = [
      () => this.context?.close(),
      () => this.browser.close(),
      () => this.backend.stop(),
      () => this.pages.stop(),
      () => this.turn.stop(),
      () => this.ns.close(),
    ];
    for (const step of steps) await Promise.resolve().then(step).catch(() => undefined);
  }

  /** Builds the condition, measures ground truth, forced WebSocket and auto, then undoes it. */
  async measure(condition: VerdictCondition): Promise<VerdictRow> {
    const log = this.options.log ?? (() => {});
    const deadlineMs = condition.probeDeadlineMs ?? this.options.probeDeadlineMs ?? 1_000;
    let relay: LossyRelay | undefined;
    let backendRelay: LossyRelay | undefined;
    try {
      this.ns.setRules({ ...condition.rules, ...(condition.blockTurnTcp ? { dropTcpPorts: [this.turn.port] } : {}) });
      if (condition.impairment) {
        relay = await startLossyRelay({ host: this.ns.rootIp, target: { host: this.turn.host, port: this.turn.port }, ...condition.impairment });
      }
      if (condition.wholePath && condition.impairment?.delayMs) {
        // the same relay, TCP only here: per-direction delay on /connect, signalling and the WebSocket
        backendRelay = await startLossyRelay({
          host: this.ns.rootIp,
          target: { host: this.backend.host, port: this.backend.port },
          delayMs: condition.impairment.delayMs,
        });
        this.state.advertised = `${backendRelay.host}:${backendRelay.tcpPort}`;
      }
      this.state.servers = [this.turnServer(condition, relay)];
      this.bot.faults.neverReady = condition.webSocketHangs === true;

      const livekit = await this.runOnce(condition, 'livekit', deadlineMs);
      log(`${condition.id}: forced livekit ${livekit.measure.ok ? 'connected' : livekit.measure.code} conversed=${livekit.measure.conversed}`);
      const websocket = this.options.checkWebSocket === false ? undefined : await this.runOnce(condition, 'websocket', deadlineMs);
      const sessionsBefore = this.room.stats().sessions.length;
      const auto = await this.runOnce(condition, 'auto', deadlineMs);
      if (auto.measure.transport === 'livekit' && !auto.measure.conversed) {
        // where the message or its reply stopped: the room's side of the auto run's sessions
        const sessions = this.room.stats().sessions.slice(sessionsBefore);
        log(`${condition.id}: auto on livekit got no reply; room: ${JSON.stringify(sessions.map((s) => ({ peer: s.peerState, received: s.dataMessagesReceived, replies: s.botRepliesSent, unsent: s.botRepliesUnsent, closed: s.closeReason })))}`);
      }
      // a failed connect has no result, but the `verdict` event said which way the probe went
      const verdict = auto.outcome.verdict ?? (auto.outcome.chosen ? `(${auto.outcome.chosen.transport})` : undefined);
      const verdictMs = auto.outcome.verdictMs;
      log(`${condition.id}: auto verdict=${verdict} in ${verdictMs} ms -> ${auto.measure.transport ?? auto.measure.code} conversed=${auto.measure.conversed}`);

      // the event names the transport only: map it onto a verdict of the same side
      const chosen = auto.outcome.chosen?.transport;
      const judged = auto.outcome.verdict ?? (chosen === 'livekit' ? 'webrtc' : chosen);
      const reading = auto.reading;
      if (reading) log(`${condition.id}: at ${reading.atMs} ms after connect on ${reading.transport}${reading.upgraded ? ` (upgraded, WebRTC at ${reading.timeToWebrtcMs} ms)` : ''}`);
      const { judgement, wrong } = judge({
        verdict: judged,
        livekit: livekit.measure,
        ...(websocket ? { websocket: websocket.measure } : {}),
        auto: auto.measure,
        ...(reading?.transport ? { transportAtReading: reading.transport } : {}),
      });
      return {
        condition: condition.id,
        label: condition.label,
        groundTruth: livekit.measure.ok && livekit.measure.conversed,
        livekit: livekit.measure,
        ...(websocket ? { websocket: websocket.measure } : {}),
        verdict,
        reasons: auto.outcome.chosen?.reasons ?? [],
        verdictMs,
        deadlineMs,
        // v2: a LiveKit connect that wins the race decides whenever it connects, bounded by the
        // connect timeout; anything else is the probe's deadline (or an answer before it)
        withinDeadline:
          verdictMs === undefined || verdictMs <= (chosen === 'livekit' ? this.connectTimeoutMs : deadlineMs) + DEADLINE_SLACK_MS,
        finalTransport: auto.measure.transport,
        ...(chosen ? { chosenTransport: chosen } : {}),
        ...(auto.outcome.fallback ? { fallback: auto.outcome.fallback } : {}),
        conversationOk: auto.measure.conversed,
        auto: auto.measure,
        judgement,
        wrong,
        ...(wrong.length > 0 && condition.knownWrong && wrong.every((w) => condition.knownWrong?.kinds.includes(w))
          ? { explained: condition.knownWrong.why }
          : {}),
        ...(relay ? { relay: { ...relay.stats } } : {}),
        ...(backendRelay ? { backendRelay: { ...backendRelay.stats } } : {}),
        ...(auto.outcome.provisional !== undefined ? { provisional: auto.outcome.provisional } : {}),
        ...(reading ? { reading } : {}),
      };
    } finally {
      this.bot.faults.neverReady = false;
      this.state.advertised = undefined;
      this.ns.setRules({});
      await relay?.close();
      await backendRelay?.close();
    }
  }

  private turnServer(condition: VerdictCondition, relay: LossyRelay | undefined): IceServerConfig {
    const host = relay ? relay.host : this.turn.host;
    const urls = condition.turn.map((t) =>
      t === 'udp' ? `turn:${host}:${relay ? relay.udpPort : this.turn.port}?transport=udp` : `turn:${host}:${relay ? relay.tcpPort : this.turn.port}?transport=tcp`,
    );
    // a password coturn does not know: what a rotated secret or a stale config hands out
    const credential = condition.wrongCredentials ? `${this.turn.password}-stale` : this.turn.password;
    return { urls, username: this.turn.username, credential };
  }

  /**
   * One tab per kind, navigated afresh for every run: a new document drops every socket
   * and peer connection of the last run, while the renderer process (seconds to start on
   * this machine) is kept. The no-RTCPeerConnection tab has its init script; the other not.
   */
  private async tab(noPeerConnection: boolean): Promise<Page> {
    const key = noPeerConnection ? 'no-pc' : 'plain';
    const known = this.tabs.get(key);
    if (known && !known.isClosed()) return known;
    this.context ??= await this.browser.browser.newContext();
    const page = await this.context.newPage();
    if (noPeerConnection) {
      await page.addInitScript(() => {
        const w = window as unknown as Record<string, unknown>;
        delete w['RTCPeerConnection'];
        delete w['webkitRTCPeerConnection'];
      });
    }
    this.tabs.set(key, page);
    return page;
  }

  private async runOnce(
    condition: VerdictCondition,
    transport: 'auto' | 'livekit' | 'websocket',
    deadlineMs: number,
  ): Promise<{ outcome: VerdictRunOutcome; measure: RunMeasure; reading?: VerdictReading }> {
    const page = await this.tab(condition.noPeerConnection === true);
    try {
      await page.goto(this.pages.url);
      await page.waitForFunction(() => window.verdictPageReady === true);
      const connectTimeoutMs = this.connectTimeoutMs;
      const started = Date.now();
      const outcome = await page.evaluate(([c, t]) => window.verdictPage.run(c as never, t), [
        {
          apiKey: API_KEY,
          characterId: `char-${condition.id}`,
          url: this.state.advertised ? `http://${this.state.advertised}` : this.backend.url,
          backendRetries: 0,
          connectTimeoutMs,
          ...(condition.wholePath ? { iceTransportPolicy: 'relay' } : {}),
          negotiation: { cache: false, probeDeadlineMs: deadlineMs },
        },
        transport,
      ] as const);
      let conversed = false;
      const converseTimeoutMs = condition.converseTimeoutMs ?? this.options.converseTimeoutMs ?? 10_000;
      if (outcome.ok) {
        const text = `verdict ${condition.id} ${transport}`;
        const reply = await page.evaluate(([s, ms]) => window.verdictPage.converse(s, ms), [text, converseTimeoutMs] as const);
        conversed = reply === `You said: ${text}`;
        if (!conversed) (this.options.log ?? (() => {}))(`${condition.id} ${transport}: reply ${String(reply)}`);
      }
      const mode = this.options.reading ?? 'full';
      const read = transport === 'auto' && outcome.ok && (mode === 'full' || condition.livekitShouldWork === true);
      const reading = read
        ? await readTransport(page, outcome, { quick: mode === 'quick', converseTimeoutMs, text: `verdict ${condition.id} after upgrade` })
        : undefined;
      const measure: RunMeasure = {
        ok: outcome.ok,
        ...(outcome.transport ? { transport: outcome.transport } : {}),
        ...(outcome.code ? { code: outcome.code } : {}),
        conversed,
        elapsedMs: Date.now() - started,
      };
      return { outcome, measure, ...(reading ? { reading } : {}) };
    } finally {
      await page.evaluate(() => window.verdictPage?.disconnect()).catch(() => undefined);
    }
  }
}
