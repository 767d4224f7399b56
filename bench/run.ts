import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CHROMIUM_PATH } from '../test/support/chromium.js';
import { benchBundleSize } from './bundle-size.js';
import { benchFallbackCost } from './fallback-cost.js';
import { benchHear, hearMarkdown } from './hear.js';
import { HEAR_CONDITIONS } from './hear-rig.js';
import { benchNegotiationOverhead } from './negotiation-overhead.js';
import { ownCodeBreakdown } from './own-code-breakdown.js';
import { benchProbeResources } from './probe-resources.js';
import { benchProbeTime } from './probe-time.js';
import { benchSoak } from './soak.js';
import { rows, textTable, type BenchResults, type MachineInfo } from './report.js';
import { spliceSoak, updateHearSection, writeResults } from './results-file.js';

const SECTIONS = ['bundle', 'negotiation', 'fallback', 'probe', 'resources', 'hear', 'soak'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `Usage: tsx bench/run.ts [--pairs N] [--probes N] [--hear-rounds N] [--only ${SECTIONS.join(',')}] [--skip-matrix]

  --pairs N      rounds per interleaved comparison (and runs per probe scenario), default 10, at least 10
                 for figures worth reporting (fewer are allowed for a quick look)
  --probes N     probes in the resource run, default 200
  --hear-rounds N  rounds per condition of "what the user hears" (needs root: a network namespace), default 3
  --hear-conditions LIST  only these of ${HEAR_CONDITIONS.map((c) => c.id).join(',')}
  --only LIST    run only these measurements; results go to bench/results/latest.json,
                 bench/RESULTS.md's main table is rewritten by a run of every section but hear and soak
                 (their sections are kept); \`--only hear\` and \`--only soak\` update their own sections
                 (\`npm run bench:hear\` runs that section alone, in about 6 min)
  --skip-matrix  do not run the verdict matrix (bench/verdict-matrix.ts) at the end
  --quick        soak: 2-minute conversations instead of 15 (also SOAK_QUICK=1)
  --soak-cycles N    soak: connect/disconnect cycles per churn scenario, default 100
  --soak-minutes M   soak: minutes per conversation, default 15 (2 with --quick)`;

const round2 = (n: number): number => Math.round(n * 100) / 100;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`Expected \`--${name}\` to be a positive integer, got ${JSON.stringify(value)}.`);
  return n;
}

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n')[0] ?? 'unknown';
  } catch (error) {
    // turnserver prints its version to stderr and exits non-zero
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n')[0] || 'unknown';
  }
}

function machine(): MachineInfo {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: /PRETTY_NAME="([^"]+)"/.exec(osRelease)?.[1] ?? process.platform,
    node: process.version,
    chromium: version(CHROMIUM_PATH, ['--version']),
    coturn: `coturn ${/Version Coturn-([\d.]+)/.exec(version('turnserver', ['--version']))?.[1] ?? version('turnserver', ['--version'])}`,
  };
}

interface MatrixModule {
  runVerdictMatrix?: (options: { log: (line: string) => void }) => Promise<unknown>;
  formatVerdictTable?: (rows: never) => string;
}

/**
 * The verdict matrix is its own module (bench/verdict-matrix.ts); run it when present. Loaded
 * by path at run time so this runner neither fails to compile nor to start without it.
 */
async function runMatrix(log: (line: string) => void): Promise<{ rows: unknown; text?: string } | undefined> {
  const path = resolve('bench/verdict-matrix.ts');
  if (!existsSync(path)) {
    log('  bench/verdict-matrix.ts not present, skipped');
    return undefined;
  }
  const mod = (await import(pathToFileURL(path).href)) as MatrixModule;
  if (typeof mod.runVerdictMatrix !== 'function') throw new Error('bench/verdict-matrix.ts does not export runVerdictMatrix');
  const rows = await mod.runVerdictMatrix({ log: (line) => log(`    ${line}`) });
  const text = typeof mod.formatVerdictTable === 'function' ? mod.formatVerdictTable(rows as never) : undefined;
  if (text) log(text);
  return { rows, ...(text ? { text } : {}) };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      pairs: { type: 'string' },
      probes: { type: 'string' },
      'hear-rounds': { type: 'string' },
      'hear-conditions': { type: 'string' },
      only: { type: 'string' },
      'skip-matrix': { type: 'boolean' },
      quick: { type: 'boolean' },
      'soak-cycles': { type: 'string' },
      'soak-minutes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const rounds = positiveInt('pairs', values.pairs, 10);
  const probes = positiveInt('probes', values.probes, 200);
  const hearRounds = positiveInt('hear-rounds', values['hear-rounds'], 3);
  const hearIds = values['hear-conditions']?.split(',').map((s) => s.trim());
  const hearConditions = hearIds ? hearIds.map((id) => {
    const found = HEAR_CONDITIONS.find((c) => c.id === id);
    if (!found) throw new Error(`Unknown \`--hear-conditions\` entry ${JSON.stringify(id)}. Known: ${HEAR_CONDITIONS.map((c) => c.id).join(', ')}.`);
    return found;
  }) : HEAR_CONDITIONS;
  const quick = values.quick === true || process.env['SOAK_QUICK'] === '1';
  const soakCycles = positiveInt('soak-cycles', values['soak-cycles'], 100);
  const soakMinutes = positiveInt('soak-minutes', values['soak-minutes'], quick ? 2 : 15);
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...SECTIONS];
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`Unknown \`--only\` section(s): ${unknown.join(', ')}. Known: ${SECTIONS.join(', ')}.`);
  const wanted = (s: Section): boolean => only.includes(s);
  // the listening and soak sections refresh their own parts of RESULTS.md; the rest is the main table
  const full = SECTIONS.every((s) => s === 'hear' || s === 'soak' || wanted(s)) && rounds >= 10;

  const log = (line: string): void => console.log(line);
  const started = Date.now();
  const errors: string[] = [];
  const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = {
    startedAt: new Date(started).toISOString(),
    durationS: 0,
    machine: machine(),
    rounds,
    // the machine may be shared: the 1-minute load average says how busy it was
    loadAverage: { start: round2(loadavg()[0] ?? 0), end: 0 },
    errors,
  };
  // one failing measurement must not cost the others
  const step = async (name: string, run: () => Promise<void>): Promise<void> => {
    const t = Date.now();
    log(`\n== ${name}`);
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push(`${name}: ${message}`);
      log(`  FAILED: ${message}`);
    }
    log(`  (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };

  if (wanted('bundle')) {
    await step('4. bundle sizes (Vite)', async () => {
      results.bundle = { ...(await benchBundleSize(log)), breakdown: await ownCodeBreakdown() };
    });
  }
  if (wanted('negotiation')) {
    await step(`1. negotiation overhead, healthy network (${rounds} rounds)`, async () => {
      results.negotiation = await benchNegotiationOverhead(rounds, log);
    });
  }
  if (wanted('fallback')) {
    await step(`2. fallback cost, UDP unusable (${rounds} rounds each)`, async () => {
      results.fallback = await benchFallbackCost(rounds, log);
    });
  }
  if (wanted('probe')) {
    await step(`3. probe alone (${rounds} runs per scenario)`, async () => {
      results.probe = await benchProbeTime(rounds, log);
    });
  }
  if (wanted('resources')) {
    await step(`5. resources after ${probes} probes`, async () => {
      results.resources = await benchProbeResources(probes, log);
    });
  }
  if (wanted('hear')) {
    await step(`6. what the user hears (${hearRounds} rounds per condition)`, async () => {
      results.hear = await benchHear(hearRounds, log, hearConditions);
      log(hearMarkdown(results.hear));
    });
  }
  if (wanted('soak')) {
    await step(`6. soak: churn ${soakCycles} cycles per scenario, conversations of ${soakMinutes} min`, async () => {
      results.soak = await benchSoak({ cycles: soakCycles, conversationMs: soakMinutes * 60_000, everyMs: 10_000, quick }, log);
    });
  }
  if (!values['skip-matrix']) {
    await step('verdict matrix', async () => {
      const matrix = await runMatrix(log);
      if (matrix) {
        results.verdictMatrix = matrix.rows;
        if (matrix.text) results.verdictMatrixText = matrix.text;
      }
    });
  }
  results.durationS = (Date.now() - started) / 1000;
  results.loadAverage = { ...results.loadAverage, end: round2(loadavg()[0] ?? 0) };

  console.log(`\n${textTable(rows(results))}`);
  // a run of the listening section alone keeps its raw figures apart, so latest.json keeps the last full run's
  const json = only.length === 1 && only[0] === 'hear' ? 'bench/results/hear.json' : 'bench/results/latest.json';
  await writeResults(results, json, full ? 'bench/RESULTS.md' : undefined);
  // the listening section is long and needs root: a run of it alone refreshes its own part of RESULTS.md
  // (only a run of every condition: a quick look at one condition must not replace the published table)
  const hearOnly = !full && results.hear !== undefined && hearConditions.length === HEAR_CONDITIONS.length && results.hear.cells.some((c) => c.runs > 0);
  if (hearOnly) await updateHearSection('bench/RESULTS.md', results);
  if (!full && results.soak && only.length === 1) {
    await spliceSoak('bench/RESULTS.md', results.soak, results.startedAt);
    console.log('replaced the soak section of bench/RESULTS.md');
  }
  console.log(
    `\nwrote ${json}${full ? ' and bench/RESULTS.md' : hearOnly ? " and bench/RESULTS.md's \"what the user hears\" section" : ' (bench/RESULTS.md is rewritten only by a run of every section but hear and soak, at least 10 rounds)'}`,
  );
  if (errors.length > 0) console.log(`\n${errors.length} measurement(s) failed:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  return errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    // werift and playwright may leave handles; the results are written
    process.exit(code);
  },
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  },
);
