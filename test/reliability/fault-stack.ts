import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import type { Leftovers } from './fault-page.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import { launchChromium, type LaunchedBrowser } from '../support/chromium.js';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createLiveKitRoom, type LiveKitRoomService } from '../../examples/backend/livekit-room/index.js';
import { createPipecatBot, type PipecatBot } from '../../examples/backend/pipecat-bot.js';

/**
 * One backend, one coturn, one page server and one Chromium per fault-test file:
 * the real stack (LiveKit room with a werift peer, Pipecat bot, `/connect`) with
 * every fault switch reachable, and every log line and page console line kept for
 * the secrets scan. The secrets are distinctive so that a leak cannot hide.
 */

export const SECRETS = {
  apiKey: 'sk-FAULTAPIKEY-3f9a1c7e5d',
  turnPassword: 'TURNPASS-fault-8b2d4e6f0a',
  livekitSecret: 'LKSECRET-fault-0123456789abcdef0123456789',
} as const;

const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;
/**
 * URL parts that carry credentials, under the names backends use: a query parameter
 * (`?session_token=`, `?sig=`, `?jwt=`, `?token=`...) or userinfo (`//user:pass@`). People
 * see URLs only as scheme, host, port and path (src/util/redact.ts), so none may appear.
 */
export const SECRET_URL_PART =
  /[?&;](?:token|session_token|access_token|sig|signature|jwt|api_key|apikey|key|password|credential|auth)=(?!(?:%3C|<|\[)?redacted)|\/\/[^\s/:@'"]+:[^\s/@'"]+@/i;
/**
 * The line Chromium itself logs when a WebSocket handshake fails, or when a page closes a socket
 * still connecting (logged as a warning): not a console call of any script.
 */
export const CHROMIUM_WS_ERROR = /^\[console\.(?:error|warning)\] WebSocket connection to 'wss?:\/\/[^']+' failed: /;

/** What `/connect` does for the next attempts (then it answers normally). */
export type ConnectFault = 'status-500' | 'status-401' | 'status-400' | 'hang' | 'malformed-json' | 'missing-fields' | 'reset';

export interface FaultStack {
  readonly turn: Coturn;
  readonly room: LiveKitRoomService;
  readonly bot: PipecatBot;
  readonly backend: Backend;
  readonly pages: PageServer;
  readonly browser: LaunchedBrowser;
  /** Backend, room and bot log lines, and page console lines, in order. */
  readonly logs: string[];
  /** `/connect` requests seen (faulted ones included), with their parsed bodies. */
  readonly connectBodies: Record<string, unknown>[];
  /** Queue of faults for the next `/connect` attempts; `always` repeats one forever. */
  connectFaults: ConnectFault[];
  alwaysFault: ConnectFault | undefined;
  openPage(): Promise<Page>;
  /** Config for `window.fault.create()`: the local backend, fast timeouts, no verdict cache. */
  config(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Every place a secret must not appear, joined: logs plus the page's event log. */
  scanSecrets(extra: readonly string[]): string[];
  stop(): Promise<void>;
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
  res.end(body);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export interface FaultStackOptions {
  /** Extra `<head>` HTML for the page, e.g. a CSP meta tag. */
  readonly head?: string;
}

export async function startFaultStack(options: FaultStackOptions = {}): Promise<FaultStack> {
  const logs: string[] = [];
  const log = (line: string): void => {
    logs.push(line);
  };
  const connectBodies: Record<string, unknown>[] = [];
  const turn = await startCoturn({ username: 'fault-user', password: SECRETS.turnPassword });
  const iceServers = [{ urls: [turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: turn.password }];
  const room = createLiveKitRoom({ apiKey: 'lk-fault', apiSecret: SECRETS.livekitSecret, iceServers, log });
  const bot = createPipecatBot({ toneMs: 60, log });
  const hanging = new Set<ServerResponse>();
  const stack = {
    connectFaults: [] as ConnectFault[],
    alwaysFault: undefined as ConnectFault | undefined,
  };
  const backend = await startBackend({
    apiKey: SECRETS.apiKey,
    services: [room, bot],
    log,
    interceptConnect: async (req, res) => {
      const fault = stack.connectFaults.shift() ?? stack.alwaysFault;
      if (!fault) return false;
      connectBodies.push(await readJson(req));
      switch (fault) {
        case 'status-500':
          answer(res, 500, JSON.stringify({ message: 'fault: internal error' }));
          return true;
        case 'status-401':
          answer(res, 401, JSON.stringify({ message: 'Invalid API key: check the `x-api-key` header.' }));
          return true;
        case 'status-400':
          answer(res, 400, JSON.stringify({ message: '`character_id` is required and must be a non-empty string', field: 'character_id' }));
          return true;
        case 'hang':
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return true;
        case 'malformed-json':
          answer(res, 200, '{"character_session_id": "s-1", "room_url": ');
          return true;
        case 'missing-fields':
          answer(res, 200, JSON.stringify({ character_session_id: 's-2' }));
          return true;
        case 'reset':
          req.socket.destroy();
          return true;
      }
    },
  });
  const pages = await startPageServer({
    entries: { app: 'test/reliability/fault-page.ts' },
    ...(options.head ? { head: options.head } : {}),
  });
  const browser = await launchChromium();

  const self: FaultStack = {
    turn,
    room,
    bot,
    backend,
    pages,
    browser,
    logs,
    connectBodies,
    get connectFaults() {
      return stack.connectFaults;
    },
    set connectFaults(v) {
      stack.connectFaults = v;
    },
    get alwaysFault() {
      return stack.alwaysFault;
    },
    set alwaysFault(v) {
      stack.alwaysFault = v;
    },
    openPage: async () => {
      const page = await browser.browser.newPage();
      page.on('console', (m) => logs.push(`[console.${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`[pageerror] ${e.name}: ${e.message}\n${e.stack ?? ''}`));
      await page.goto(pages.url);
      // polled with evaluate (CDP, exempt from a page CSP) rather than waitForFunction
      const deadline = Date.now() + 30_000;
      while (!(await page.evaluate(() => window.faultReady === true)) && Date.now() < deadline) await page.waitForTimeout(25);
      return page;
    },
    config: (extra = {}) => ({
      apiKey: SECRETS.apiKey,
      characterId: 'char-fault',
      url: backend.url,
      backendRetries: 0,
      requestTimeoutMs: 3_000,
      // generous: a healthy probe and connect end long before these, and the 2 shared
      // cores may be loaded (a probe that times out would pick WebSocket and change the test)
      connectTimeoutMs: 15_000,
      negotiation: { cache: false, probeDeadlineMs: 5_000 },
      ...extra,
    }),
    scanSecrets: (extra) => {
      const haystack = [...logs, ...extra];
      const found: string[] = [];
      for (const [name, secret] of Object.entries(SECRETS)) {
        if (haystack.some((line) => line.includes(secret))) found.push(name);
      }
      // the one-time tokens of the bot's ws_url (a WebSocket session credential)
      const tokenLine = haystack.find((line) => bot.issuedTokens.some((t) => line.includes(t)) && !CHROMIUM_WS_ERROR.test(line));
      if (tokenLine) found.push(`session token in: ${tokenLine.slice(0, 160)}`);
      const url = haystack.find((line) => SECRET_URL_PART.test(line) && !CHROMIUM_WS_ERROR.test(line));
      if (url) found.push(`credential-bearing URL in: ${url.slice(0, 120)}`);
      // any JWT (LiveKit access tokens are HS256 JWTs) in a log or event is a leaked token,
      // except in Chromium's own network-error line for a refused WebSocket upgrade: the
      // LiveKit protocol puts the token in the URL and the browser prints failed URLs
      // (no page code can stop it; see CHROMIUM_WS_ERROR)
      const jwt = haystack.find((line) => JWT.test(line) && !CHROMIUM_WS_ERROR.test(line));
      if (jwt) found.push(`token in: ${jwt.slice(0, 120)}`);
      return found;
    },
    stop: async () => {
      for (const res of hanging) res.destroy();
      await browser.close();
      await backend.stop().catch(() => undefined);
      await pages.stop().catch(() => undefined);
      await turn.stop().catch(() => undefined);
    },
  };
  return self;
}

/** After every fault: no peer connection, socket, mic track, audio context or interval left. */
export const NOTHING_OPEN: Partial<Leftovers> = { openPeerConnections: 0, openSockets: 0, liveTracks: 0, openAudioContexts: 0, intervals: 0 };

/** Polls the page's leftovers until nothing is open (or 5 s pass); returns the last reading. */
export async function settle(p: Page): Promise<Leftovers> {
  let last: Leftovers | undefined;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    last = await p.evaluate(() => window.fault.leftovers());
    if (Object.entries(NOTHING_OPEN).every(([k, v]) => last![k as keyof Leftovers] === v)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return last!;
}
