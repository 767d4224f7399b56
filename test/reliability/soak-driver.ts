import type { ConvaiClientConfig, NegotiationConfig, TransportPreference } from '../../src/index.js';
import type { CDPSession, Page } from 'playwright-core';
import type { SoakLeftovers, Tally } from './soak-page.js';

/**
 * Drives the soak page (test/reliability/soak-page.ts) from Node: churn (many
 * connect/disconnect cycles of one client, a text round trip in each) and a long
 * conversation. Shared by `npm run bench`'s soak section and the short churn in
 * `npm test`; neither asserts time, the test asserts only counts.
 */

export type OpenCounts = Omit<SoakLeftovers, 'created'>;
export const NOTHING_OPEN: OpenCounts = { openPeerConnections: 0, openSockets: 0, liveTracks: 0, openAudioContexts: 0, intervals: 0, deviceListeners: 0, peerHandlersLeft: 0 };

const isNothingOpen = (l: SoakLeftovers): boolean =>
  (Object.keys(NOTHING_OPEN) as (keyof OpenCounts)[]).every((k) => l[k] === 0);

/** Polls the page's leftovers until nothing is open, or 5 s pass (closing is asynchronous); the last reading. */
export async function settle(page: Page): Promise<SoakLeftovers> {
  const deadline = Date.now() + 5_000;
  let last = await page.evaluate(() => window.soak.leftovers());
  while (!isNothingOpen(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    last = await page.evaluate(() => window.soak.leftovers());
  }
  return last;
}

export const openCounts = (l: SoakLeftovers): OpenCounts => ({
  openPeerConnections: l.openPeerConnections,
  openSockets: l.openSockets,
  liveTracks: l.liveTracks,
  openAudioContexts: l.openAudioContexts,
  intervals: l.intervals,
  deviceListeners: l.deviceListeners,
  peerHandlersLeft: l.peerHandlersLeft,
});

/**
 * JS heap in use after a forced GC (CDP, twice: finalizers of the first pass free more).
 * Chromium keeps the page's last 1000 console messages with their arguments for DevTools
 * (found by this soak: livekit-client's info lines, ~10 per connect, were most of the
 * churn's growth); they are discarded first so that the figure is the page's own.
 */
export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('Runtime.discardConsoleEntries');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/** The page's heap after GC, its closed resources dropped from the counting lists first. */
async function pageHeap(page: Page, cdp: CDPSession): Promise<number> {
  await page.evaluate(() => window.soak.leftovers());
  return heapAfterGc(cdp);
}

export async function openCdp(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('Runtime.enable');
  return cdp;
}

export interface ChurnOptions {
  readonly name: string;
  readonly transport: TransportPreference;
  readonly cycles: number;
  readonly config: ConvaiClientConfig;
  /** Cycles before the first heap reading (code compiled and caches filled on first use are not growth). */
  readonly warmup?: number;
  /**
   * The transport of the first warm-up cycle, when not the scenario's. `'websocket'` for
   * `auto` on a healthy network: the WebSocket chunk costs ~1 MB of heap once, when first
   * loaded, and a single fallback among the measured cycles (the negotiator may choose
   * WebSocket on a loaded machine) would count that one-time load as growth.
   */
  readonly warmupTransport?: TransportPreference;
  /** Reply wait per round trip. */
  readonly replyTimeoutMs?: number;
  /** Called after each cycle (progress lines). */
  readonly onCycle?: (i: number) => void;
}

export interface ChurnResult {
  readonly name: string;
  readonly cycles: number;
  /** Cycles whose connect succeeded, by the transport the session ended up on. */
  readonly transports: Record<string, number>;
  readonly connectFailures: readonly string[];
  readonly tally: Omit<Tally, 'latenciesMs'>;
  readonly heapBytes: { readonly start: number; readonly middle: number; readonly end: number };
  /** Open after the phase (after settling), and totals created during it. */
  readonly leftovers: SoakLeftovers;
  /** Error events seen (codes), beyond none expected. */
  readonly errors: readonly string[];
  /** Where each interval still running after the phase was set. */
  readonly intervalOwners: readonly string[];
  readonly cycleMs: readonly number[];
}

/** One client, `cycles` times: connect, a text round trip, disconnect. Needs a fresh page. */
export async function churn(page: Page, cdp: CDPSession, o: ChurnOptions): Promise<ChurnResult> {
  await page.evaluate((c) => window.soak.create(c as never), o.config as unknown as Record<string, unknown>);
  const transports: Record<string, number> = {};
  const connectFailures: string[] = [];
  const cycleMs: number[] = [];
  const warmup = o.warmup ?? 0;
  const heap = { start: 0, middle: 0, end: 0 };
  const total = warmup + o.cycles;
  for (let i = 0; i < total; i++) {
    if (i === warmup) heap.start = await pageHeap(page, cdp);
    if (i === warmup + Math.floor(o.cycles / 2)) heap.middle = await pageHeap(page, cdp);
    const t = Date.now();
    const tag = `${o.name}-${i}`;
    const transport = i === 0 && warmup > 0 && o.warmupTransport ? o.warmupTransport : o.transport;
    const r = await page.evaluate(
      async ([transport, text, timeout]) => {
        const c = await window.soak.connect(transport as TransportPreference);
        if (!c.ok) return { connect: c, replied: false };
        const replied = await window.soak.roundTrip(text as string, timeout as number);
        await window.soak.disconnect();
        // drops what this cycle closed from the counting lists, which would otherwise hold it
        window.soak.leftovers();
        return { connect: c, replied };
      },
      [transport, tag, o.replyTimeoutMs ?? 8_000] as const,
    );
    cycleMs.push(Date.now() - t);
    const on = `${r.connect.transport ?? 'none'}${transport === o.transport ? '' : ' (warm-up)'}`;
    if (r.connect.ok) transports[on] = (transports[on] ?? 0) + 1;
    else connectFailures.push(`${tag}: ${r.connect.code ?? '?'} ${r.connect.message ?? ''}`);
    o.onCycle?.(i);
  }
  const leftovers = await settle(page);
  heap.end = await pageHeap(page, cdp);
  const { latenciesMs: _l, ...tally } = await page.evaluate(() => window.soak.tally());
  const errors = await page.evaluate(() => window.soak.takeErrors());
  const intervalOwners = leftovers.intervals > 0 ? await page.evaluate(() => window.soak.intervalStacks()) : [];
  return { name: o.name, cycles: total, intervalOwners, transports, connectFailures, tally, heapBytes: heap, leftovers, errors, cycleMs };
}

export interface ConversationOptions {
  readonly name: string;
  readonly transport: TransportPreference;
  readonly config: ConvaiClientConfig;
  readonly durationMs: number;
  /** One user message this often. */
  readonly everyMs: number;
  readonly replyTimeoutMs?: number;
  /**
   * After the last message, how long to wait for replies still owed before counting.
   * Without it the last message had only its own round trip's wait, while a late reply
   * to any earlier one was still counted when it came: a slow reply looked like a lost one
   * when, and only when, it was the last.
   * @default 30_000
   */
  readonly drainMs?: number;
  readonly log?: (line: string) => void;
}

export interface ConversationResult {
  readonly name: string;
  readonly transport: string;
  readonly durationMs: number;
  readonly tally: Tally;
  /** Heap after GC: after connecting, half-way, at the end (still connected), after disconnect. */
  readonly heapBytes: { readonly start: number; readonly middle: number; readonly end: number; readonly afterDisconnect: number };
  /** Open during the conversation (mic on: one track, the transport's own), and after disconnect. */
  readonly openWhileConnected: OpenCounts;
  readonly leftovers: SoakLeftovers;
  readonly chatLength: number;
  readonly errors: readonly string[];
  readonly stayedConnected: boolean;
  /** The conversation's id at its end (the local LiveKit room is named after it). */
  readonly characterSessionId: string | undefined;
}

/** One connect, a user message every `everyMs` for `durationMs`, each awaited; then disconnect. */
export async function conversation(page: Page, cdp: CDPSession, o: ConversationOptions): Promise<ConversationResult> {
  await page.evaluate((c) => window.soak.create(c as never), o.config as unknown as Record<string, unknown>);
  const c = await page.evaluate((t) => window.soak.connect(t as TransportPreference), o.transport);
  if (!c.ok) throw new Error(`${o.name}: connect failed: ${c.code ?? ''} ${c.message ?? ''}`);
  const messages = Math.max(1, Math.floor(o.durationMs / o.everyMs));
  const heap = { start: 0, middle: 0, end: 0, afterDisconnect: 0 };
  let stayedConnected = true;
  const t0 = Date.now();
  for (let i = 0; i < messages; i++) {
    const due = t0 + i * o.everyMs;
    if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
    if (i === 0) heap.start = await pageHeap(page, cdp);
    if (i === Math.floor(messages / 2)) heap.middle = await pageHeap(page, cdp);
    const ok = await page.evaluate(([text, ms]) => window.soak.roundTrip(text as string, ms as number), [`${o.name}-${i}`, o.replyTimeoutMs ?? 8_000] as const);
    if (!(await page.evaluate(() => window.soak.isConnected()))) stayedConnected = false;
    if (i % 6 === 5) o.log?.(`    ${o.name}: ${i + 1}/${messages} messages${ok ? '' : ' (last one unanswered)'}`);
  }
  const last = t0 + messages * o.everyMs;
  if (Date.now() < last) await new Promise((r) => setTimeout(r, last - Date.now()));
  const drainUntil = Date.now() + (o.drainMs ?? 30_000);
  while ((await page.evaluate(() => window.soak.tally().pending)) > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 200));
  heap.end = await pageHeap(page, cdp);
  const openWhileConnected = openCounts(await page.evaluate(() => window.soak.leftovers()));
  const chatLength = await page.evaluate(() => window.soak.chatLength());
  const tally = await page.evaluate(() => window.soak.tally());
  const characterSessionId = await page.evaluate(() => window.soak.characterSessionId());
  await page.evaluate(() => window.soak.disconnect());
  const leftovers = await settle(page);
  heap.afterDisconnect = await pageHeap(page, cdp);
  const errors = await page.evaluate(() => window.soak.takeErrors());
  return { name: o.name, transport: c.transport ?? 'none', durationMs: Date.now() - t0, tally, heapBytes: heap, openWhileConnected, leftovers, chatLength, errors, stayedConnected, characterSessionId };
}

/** Median of the first and of the last `n` values. */
export function driftMs(values: readonly number[], n = 3): { readonly first: number; readonly last: number } {
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  return { first: median(values.slice(0, n)), last: median(values.slice(-n)) };
}

/**
 * The client config every soak run uses against the local stack: no backend retries, and
 * no remembered choice (every cycle negotiates afresh: a remembered one would skip the probe).
 */
export function soakConfig(
  stack: { readonly apiKey: string; readonly backend: { readonly url: string } },
  transport: TransportPreference,
  negotiation: NegotiationConfig = {},
): ConvaiClientConfig {
  return {
    apiKey: stack.apiKey,
    characterId: 'soak-char',
    url: stack.backend.url,
    transport,
    backendRetries: 0,
    connectTimeoutMs: 15_000,
    negotiation: { cache: false, ...negotiation },
  };
}
