import { spawn } from 'node:child_process';
import { NEGOTIATION_DEFAULTS } from '../src/index.js';
import type { ProbeInput, ProbeSample } from './pages/bench-page.js';
import type { NodeProbeJob, NodeProbeSample } from './node-probe-worker.js';
import { openBenchBrowser, startBenchStack, type BenchStack } from './stack.js';
import { summarize, type Summary } from './stats.js';

export interface ProbeScenarioResult {
  readonly runtime: 'chromium' | 'node (werift)';
  readonly network: string;
  /** What the probe was given: TURN/UDP+TCP (`full`) or TURN/UDP alone. */
  readonly servers: 'full' | 'udp-only';
  readonly verdicts: Record<string, number>;
  /** Reason codes of runs whose verdict differs from the most common one: why they differed. */
  readonly oddReasons: readonly string[];
  /** Start to verdict, the probe's own clock. */
  readonly durationMs: Summary;
  readonly gatheringMs: Summary;
  readonly connectivityMs: Summary;
  /** The first probe in a fresh page (or process), not in the summaries: what a first visit pays. */
  readonly coldMs: number;
}

/** The negotiator's own deadline: what a zero-config `auto` connect waits at most. */
const DEADLINE_MS = NEGOTIATION_DEFAULTS.probeDeadlineMs;

function toResult(
  runtime: ProbeScenarioResult['runtime'],
  network: string,
  servers: 'full' | 'udp-only',
  [cold, ...samples]: readonly NodeProbeSample[],
): ProbeScenarioResult {
  const verdicts: Record<string, number> = {};
  for (const s of samples) verdicts[s.verdict] = (verdicts[s.verdict] ?? 0) + 1;
  const usual = Object.entries(verdicts).sort((a, b) => b[1] - a[1])[0]?.[0];
  const oddReasons = [...new Set(samples.filter((s) => s.verdict !== usual).map((s) => `${s.verdict}: ${s.reasons.join(',')}`))];
  return {
    oddReasons,
    runtime,
    network,
    servers,
    verdicts,
    durationMs: summarize(samples.map((s) => s.durationMs)),
    gatheringMs: summarize(samples.map((s) => s.gatheringMs)),
    connectivityMs: summarize(samples.map((s) => s.connectivityMs)),
    coldMs: cold?.durationMs ?? Number.NaN,
  };
}

async function chromiumRuns(stack: BenchStack, mode: 'plain' | 'udp-flag', network: string, runs: number, log: (line: string) => void): Promise<ProbeScenarioResult[]> {
  const browser = await openBenchBrowser(stack, mode);
  const out: ProbeScenarioResult[] = [];
  try {
    for (const servers of ['full', 'udp-only'] as const) {
      const page = await browser.openPage();
      const input: ProbeInput = { iceServers: stack.iceServers(servers), deadlineMs: DEADLINE_MS };
      // the first sample (a fresh page's first peer connections) is reported apart as `coldMs`
      const samples: ProbeSample[] = [];
      for (let i = 0; i <= runs; i++) samples.push(await page.evaluate((i) => window.bench.probeOnce(i), input));
      await page.close();
      const result = toResult('chromium', network, servers, samples);
      log(`    chromium, ${network}, ${servers}: ${result.durationMs.median} ms median, first ${result.coldMs} ms (${Object.keys(result.verdicts).join(', ')})`);
      out.push(result);
    }
  } finally {
    await browser.close();
  }
  return out;
}

function nodeRun(stack: BenchStack, servers: 'full' | 'udp-only', runs: number): Promise<NodeProbeSample[]> {
  const ns = stack.netns;
  const job: NodeProbeJob = { iceServers: stack.iceServers(servers), deadlineMs: DEADLINE_MS, bindAddress: ns?.nsIp ?? '127.0.0.1', count: runs + 1 };
  const args = ['--import', 'tsx', 'bench/node-probe-worker.ts'];
  const child = ns
    ? ns.spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin?.end(JSON.stringify(job));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`node probe worker exited ${code}: ${stderr.trim().slice(0, 300)}`));
      // the first sample (werift's module and JIT cold) becomes `coldMs`
      resolve(JSON.parse(stdout) as NodeProbeSample[]);
    });
  });
}

async function nodeRuns(stack: BenchStack, network: string, runs: number, log: (line: string) => void): Promise<ProbeScenarioResult[]> {
  const out: ProbeScenarioResult[] = [];
  for (const servers of ['full', 'udp-only'] as const) {
    const result = toResult('node (werift)', network, servers, await nodeRun(stack, servers, runs));
    log(`    node, ${network}, ${servers}: ${result.durationMs.median} ms median, first ${result.coldMs} ms (${Object.keys(result.verdicts).join(', ')})`);
    out.push(result);
  }
  return out;
}

/**
 * 3. The probe alone, time to verdict, with the negotiator's deadline: healthy loopback,
 * UDP refused by Chromium's policy flag, and UDP silently dropped in a network namespace;
 * each with TURN/TCP offered and without it.
 */
export async function benchProbeTime(runs: number, log: (line: string) => void): Promise<ProbeScenarioResult[]> {
  const results: ProbeScenarioResult[] = [];
  const plain = await startBenchStack();
  try {
    results.push(...(await chromiumRuns(plain, 'plain', 'healthy', runs, log)));
    results.push(...(await chromiumRuns(plain, 'udp-flag', 'UDP policy flag', runs, log)));
    results.push(...(await nodeRuns(plain, 'healthy', runs, log)));
  } finally {
    await plain.stop();
  }
  const dropped = await startBenchStack({ netns: true });
  try {
    results.push(...(await chromiumRuns(dropped, 'plain', 'UDP dropped (netns)', runs, log)));
    results.push(...(await nodeRuns(dropped, 'UDP dropped (netns)', runs, log)));
  } finally {
    await dropped.stop();
  }
  return results;
}
