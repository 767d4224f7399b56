import type { TransportPreference } from '../src/index.js';
import type { ConnectInput, ConnectSample } from './pages/bench-page.js';
import type { BenchBrowser, BenchStack } from './stack.js';
import { comparePairs, roundOrder, summarize, type PairComparison, type Summary } from './stats.js';

/** One way of connecting, timed from `connect()` to `botReady`. */
export interface ConnectVariant {
  readonly name: string;
  readonly transport: TransportPreference;
  /** `'local'`: the verdict is remembered in localStorage (seeded before the rounds). */
  readonly cache: 'local' | 'none';
}

export interface VariantResult {
  readonly name: string;
  readonly botReadyMs: Summary;
  /**
   * Time the negotiator spent before the winning transport's connect, measured in the page:
   * total - connect - chunk load, minus the backend call when the session reused it (LiveKit).
   * Forced transports come out near 0; it is the precise part of the end-to-end difference.
   */
  readonly negotiatorMs: Summary;
  /** Negotiator phase timings (medians), to show where the time goes. */
  readonly phases: Record<string, number>;
  readonly transports: Record<string, number>;
  readonly failures: readonly string[];
  /** Against the round's baseline (the first variant). */
  readonly vsBaseline?: PairComparison;
}

export interface ConnectBenchResult {
  readonly rounds: number;
  readonly variants: readonly VariantResult[];
}

const median = (xs: number[]): number => summarize(xs).median;

function negotiatorMs(sample: ConnectSample): number {
  const t = sample.timings ?? {};
  const reused = sample.transport === 'livekit' ? (t['backendMs'] ?? 0) : 0;
  return (t['totalMs'] ?? 0) - (t['connectMs'] ?? 0) - (t['loadMs'] ?? 0) - reused;
}

/** The client config every run uses: the stack's backend, zero-config ICE (from `/connect`). */
export function benchConfig(stack: BenchStack): ConnectInput['config'] {
  return {
    apiKey: stack.apiKey,
    characterId: 'bench-character',
    url: stack.backend.url,
    backendRetries: 0,
    connectTimeoutMs: 10_000,
  };
}

/**
 * How long before connect() the figures' clients are made. Apps make the client when the page
 * or component loads and connect on a click, so the client's preparation (the host-candidate
 * hint; the WebSocket chunk when it is sure to be needed) is done by then. The same for every
 * variant; `2a'` in the results shows a client made at connect() instead.
 */
export const MADE_AHEAD_MS = 500;

export interface ConnectBenchOptions {
  /** The client is made this long before connect() (see `ConnectInput.madeAheadMs`). @default 0 */
  readonly madeAheadMs?: number;
}

async function runOnce(browser: BenchBrowser, stack: BenchStack, variant: ConnectVariant, options: ConnectBenchOptions): Promise<ConnectSample> {
  let page;
  try {
    page = await browser.openPage();
    const input: ConnectInput = {
      config: benchConfig(stack),
      transport: variant.transport,
      cache: variant.cache,
      botReadyTimeoutMs: 5_000,
      ...(options.madeAheadMs ? { madeAheadMs: options.madeAheadMs } : {}),
    };
    const sample = await page.evaluate((i) => window.bench.connect(i), input);
    await page.evaluate(() => window.bench.disconnect()).catch(() => undefined);
    return sample;
  } catch (error) {
    // a page that failed to load or crashed is a failed run, reported, not the end of the bench
    return { ok: false, chunkLoaded: false, code: 'BENCH_PAGE', message: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  } finally {
    await page?.close().catch(() => undefined);
  }
}

/**
 * Runs `rounds` rounds; each round runs every variant once, each in a fresh page, in an
 * order that alternates forwards and backwards. The first variant is the baseline.
 */
export async function benchConnect(
  browser: BenchBrowser,
  stack: BenchStack,
  variants: readonly ConnectVariant[],
  rounds: number,
  log: (line: string) => void,
  options: ConnectBenchOptions = {},
): Promise<ConnectBenchResult> {
  // seed remembered verdicts, and warm the backend, the room and the page server once
  for (const v of variants) await runOnce(browser, stack, v, options);
  const samples = new Map<string, (ConnectSample | undefined)[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const variant of roundOrder(variants, round)) {
      const sample = await runOnce(browser, stack, variant, options);
      samples.get(variant.name)![round] = sample;
    }
    const line = variants.map((v) => `${v.name} ${samples.get(v.name)![round]?.botReadyMs?.toFixed(0) ?? 'fail'}`).join(', ');
    log(`    round ${round + 1}/${rounds}: ${line} ms`);
  }
  const botReady = (name: string): (number | undefined)[] => samples.get(name)!.map((s) => (s?.ok ? s.botReadyMs : undefined));
  const baseline = variants[0]!.name;
  return {
    rounds,
    variants: variants.map((v, index) => {
      const list = samples.get(v.name)!.filter((s): s is ConnectSample => s !== undefined);
      const ok = list.filter((s) => s.ok);
      const phaseNames = [...new Set(ok.flatMap((s) => Object.keys(s.timings ?? {})))];
      const phases = Object.fromEntries(
        phaseNames.map((p) => [p, median(ok.map((s) => s.timings?.[p]).filter((x): x is number => x !== undefined))]),
      );
      phases['connectResolvedMs'] = median(ok.map((s) => s.connectedMs ?? 0));
      const transports: Record<string, number> = {};
      for (const s of ok) {
        const label = `${s.transport}${s.fromCache ? ' (cached verdict)' : ''}${s.chunkLoaded ? ' +chunk' : ''}`;
        transports[label] = (transports[label] ?? 0) + 1;
      }
      return {
        name: v.name,
        botReadyMs: summarize(ok.map((s) => s.botReadyMs!)),
        negotiatorMs: summarize(ok.map(negotiatorMs)),
        phases,
        transports,
        failures: list.filter((s) => !s.ok).map((s) => `${s.code ?? 'UNKNOWN'}: ${s.message ?? ''}`.slice(0, 200)),
        ...(index > 0 ? { vsBaseline: comparePairs(botReady(baseline), botReady(v.name)) } : {}),
      };
    }),
  };
}
