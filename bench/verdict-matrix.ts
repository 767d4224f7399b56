import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conditionsById } from '../test/verdict/conditions.js';
import { VerdictRig, type VerdictRow } from '../test/verdict/verdict-rig.js';

export type { VerdictRow } from '../test/verdict/verdict-rig.js';

export interface VerdictMatrixOptions {
  /** Condition ids (test/verdict/conditions.ts); all of them when absent. */
  readonly conditions?: readonly string[];
  /** @default 1000 (the negotiator's default) */
  readonly probeDeadlineMs?: number;
  /** Bound on each connect, bot-ready included. @default 10000 */
  readonly connectTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/**
 * Builds every network condition for real (namespace firewall, lossy relay, faulty bot),
 * measures ground truth (forced LiveKit, forced WebSocket), the probe's verdict and what
 * `auto` ends on, and judges each verdict against the truth. One Chromium, one condition
 * at a time; everything torn down before it resolves or rejects.
 */
export async function runVerdictMatrix(options: VerdictMatrixOptions = {}): Promise<VerdictRow[]> {
  const conditions = conditionsById(options.conditions);
  const rig = await VerdictRig.start({
    ...(options.probeDeadlineMs !== undefined ? { probeDeadlineMs: options.probeDeadlineMs } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  // coturn is a child process and the namespace a kernel object: neither dies with us on a signal
  const onSignal = (): void => {
    void rig.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const rows: VerdictRow[] = [];
    for (const condition of conditions) rows.push(await rig.measure(condition));
    return rows;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rig.close();
  }
}

const yes = (b: boolean): string => (b ? 'yes' : 'no');

/** The table as text: one line per condition. */
export function formatVerdictTable(rows: readonly VerdictRow[]): string {
  const header = ['condition', 'ground truth', 'ws works', 'verdict', 'reasons', 'verdict ms', 'final', 'converses', 'on at 10 s', 'to WebRTC ms', 'judgement'];
  const body = rows.map((r) => [
    r.label,
    r.groundTruth ? 'livekit works' : `livekit fails${r.livekit.code ? ` (${r.livekit.code})` : ''}`,
    r.websocket ? yes(r.websocket.ok && r.websocket.conversed) : '-',
    r.verdict ?? '-',
    r.reasons.join(',') || '-',
    r.verdictMs === undefined ? 'no probe' : `${Math.round(r.verdictMs)}${r.withinDeadline ? '' : ' (OVER)'}`,
    (r.finalTransport ?? `failed ${r.auto.code ?? ''}`.trim()) + (r.fallback ? ` (fallback: ${r.fallback})` : '') + (r.provisional ? ' (provisional)' : ''),
    yes(r.conversationOk),
    r.reading
      ? `${r.reading.transport ?? '-'}${r.reading.upgraded ? ` (upgraded${r.reading.conversedAfterUpgrade === false ? ', mute' : ''})` : ''}`
      : '-',
    r.reading?.timeToWebrtcMs === undefined ? '-' : String(r.reading.timeToWebrtcMs),
    r.judgement + (r.wrong.length ? `: ${r.wrong.join(',')}${r.explained ? ' (explained)' : ''}` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

function parseArgs(argv: readonly string[]): VerdictMatrixOptions {
  const options: { conditions?: string[]; probeDeadlineMs?: number; connectTimeoutMs?: number } = {};
  for (const arg of argv) {
    const [key, value] = arg.split('=', 2);
    if (key === '--conditions' && value) options.conditions = value.split(',');
    else if (key === '--deadline' && value) options.probeDeadlineMs = Number(value);
    else if (key === '--connect-timeout' && value) options.connectTimeoutMs = Number(value);
    else throw new Error(`unknown argument '${arg}' (use --conditions=a,b --deadline=MS --connect-timeout=MS)`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const rows = await runVerdictMatrix({ ...options, log: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}\n`) });
  process.stdout.write(`${formatVerdictTable(rows)}\n`);
  const wrong = rows.filter((r) => r.judgement === 'wrong').length;
  const explained = rows.filter((r) => r.judgement === 'wrong' && r.explained);
  for (const r of explained) process.stdout.write(`\n${r.label}: ${r.explained}`);
  const over = rows.filter((r) => !r.withinDeadline).length;
  process.stdout.write(`\n\n${rows.length} conditions, ${wrong} wrong verdicts (${explained.length} explained), ${over} over the deadline, ${Math.round((Date.now() - started) / 1000)} s\n`);
  const out = resolve(dirname(fileURLToPath(import.meta.url)), 'results', 'verdict-matrix.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), options, rows }, null, 2)}\n`);
  process.stdout.write(`wrote ${out}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
