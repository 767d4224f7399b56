import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { pipecatMarkersIn } from './bundle-graph.js';

/**
 * The Next.js fixture (test/fixtures/next-app), built and served the production way:
 * `next build`, then `next start` on 127.0.0.1. Telemetry is off (NEXT_TELEMETRY_DISABLED)
 * and the app loads no fonts or images, so nothing leaves the machine.
 */
export const NEXT_APP_DIR = 'test/fixtures/next-app';
const NEXT_BIN = 'node_modules/.bin/next';
/** Next.js 16 builds with Turbopack unless told `--webpack`; each gets its own distDir. */
export type NextBundler = 'turbopack' | 'webpack';
const distDir = (bundler: NextBundler): string => `.next-${bundler}`;
const env = (bundler: NextBundler): NodeJS.ProcessEnv => ({
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  NODE_ENV: 'production',
  NEXT_DIST_DIR: distDir(bundler),
});

function run(bundler: NextBundler, args: string[], log: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(NEXT_BIN, args, { env: env(bundler), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (chunk: Buffer): void => {
      out += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`next ${args[0]} exited with ${code}:\n${out.slice(-4000)}`))));
  });
}

export const buildNextApp = (bundler: NextBundler, log: (line: string) => void = () => undefined): Promise<string> =>
  run(bundler, ['build', NEXT_APP_DIR, ...(bundler === 'webpack' ? ['--webpack'] : [])], log);

export interface NextServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startNextApp(bundler: NextBundler, log: (line: string) => void = () => undefined): Promise<NextServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(NEXT_BIN, ['start', NEXT_APP_DIR, '-H', '127.0.0.1', '-p', String(port)], {
    env: env(bundler),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => log(c.toString().trim()));
  child.stderr!.on('data', (c: Buffer) => log(c.toString().trim()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  // ready when it answers (the robots path is a 404 that touches none of the app's routes)
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/robots.txt`).then(() => true, () => false);
    if (ok) return { url, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error('next start did not answer within 30 s');
}

/** The client chunks `next build` emitted (paths under /_next/static/) that hold Pipecat code. */
export async function pipecatClientChunks(bundler: NextBundler): Promise<string[]> {
  const root = join(NEXT_APP_DIR, distDir(bundler), 'static');
  const found: string[] = [];
  for (const entry of await readdir(root, { recursive: true })) {
    if (!entry.endsWith('.js')) continue;
    if (pipecatMarkersIn(await readFile(join(root, entry), 'utf8')).length > 0) found.push(`/_next/static/${entry}`);
  }
  return found;
}
