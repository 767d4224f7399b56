import * as esbuild from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PageServer {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** Paths of every file the browser requested, in order (to prove a chunk was or was not loaded). */
  readonly requests: string[];
  stop(): Promise<void>;
}

export interface PageServerOptions {
  /** Entry modules keyed by output name: `{ app: 'test/e2e/pages/app.ts' }` serves `/app.js`. */
  readonly entries: Readonly<Record<string, string>>;
  /** Extra HTML in <head>, e.g. a CSP meta tag. */
  readonly head?: string;
  readonly define?: Readonly<Record<string, string>>;
  /** Minify the bundle, as a production build would (the benchmarks time chunk loads). @default false */
  readonly minify?: boolean;
  /** Address to serve on, e.g. the root side of a test network namespace. @default '127.0.0.1' */
  readonly host?: string;
}

/**
 * Bundles test pages with a real bundler (esbuild, ESM with code splitting, so a
 * dynamic import() becomes a separate chunk the browser must request) and serves
 * them on 127.0.0.1 with an index.html that loads `/app.js`.
 */
export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const dir = await mkdtemp(join(tmpdir(), 'pages-'));
  const first = Object.keys(options.entries)[0] ?? 'app';
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8">${options.head ?? ''}</head>` +
      `<body><script type="module" src="/${first}.js"></script></body></html>`,
  );
  const context = await esbuild.context({
    entryPoints: options.entries as Record<string, string>,
    bundle: true,
    format: 'esm',
    splitting: true,
    outdir: dir,
    platform: 'browser',
    target: 'es2022',
    sourcemap: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"', ...(options.define ?? {}) },
    // as the package build does (tsup.config.ts): pages import src/, and without it their
    // WebSocket chunk would carry daily-js (~250 KB minified), which no app receives
    alias: { '@daily-co/daily-js': fileURLToPath(new URL('../../src/transports/pipecat-daily-stub.ts', import.meta.url)) },
    minify: options.minify ?? false,
  });
  await context.rebuild();
  const requests: string[] = [];
  const served = await context.serve({
    host: options.host ?? '127.0.0.1',
    port: 0,
    servedir: dir,
    onRequest: (args) => requests.push(args.path),
  });
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${served.port}/`,
    requests,
    stop: async () => {
      await context.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
