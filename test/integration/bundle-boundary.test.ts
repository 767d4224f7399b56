import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { build as viteBuild, type Manifest } from 'vite';
import { classify, describeChunk, formatBoundary, type BoundaryReport, type ChunkInfo } from '../support/bundle-report.js';

// Real bundler output for apps that import the package by name (node_modules self-link,
// resolved through `exports` to dist/, as any consumer's bundler would). `pipecat` says
// where the app may carry Pipecat: nowhere (it never opted in), only in a lazy chunk
// (`convai-transport/auto`), or eagerly (it imported the WebSocket subpath itself).
type Expectation = 'none' | 'lazy' | 'eager';
interface App {
  readonly name: string;
  readonly html: string;
  readonly entry: string;
  readonly pipecat: Expectation;
  /** `none`: not a byte of livekit-client either (the diagnostics panel never connects). */
  readonly livekit?: 'none' | 'some';
}
const fixture = (name: string, entry: string, pipecat: Expectation, livekit?: 'none' | 'some'): App => ({
  name: `${name} fixture`,
  html: `test/fixtures/${name}/index.html`,
  entry: `test/fixtures/${name}/${entry}`,
  pipecat,
  ...(livekit ? { livekit } : {}),
});
const APPS: App[] = [
  fixture('auto-consumer', 'main.ts', 'lazy'),
  fixture('livekit-consumer', 'main.ts', 'none', 'some'),
  fixture('diagnostics-consumer', 'main.ts', 'none', 'none'),
  fixture('react-diagnostics-consumer', 'main.tsx', 'none', 'none'),
  fixture('react-livekit-consumer', 'main.tsx', 'none'),
  fixture('seed-vanilla', 'main.ts', 'eager'),
  fixture('seed-react', 'main.tsx', 'eager'),
  ...(existsSync('examples/vanilla/index.html')
    ? [{ name: 'examples/vanilla', html: 'examples/vanilla/index.html', entry: 'examples/vanilla/main.ts', pipecat: 'lazy' as const }]
    : []),
];

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function buildWithVite(html: string): Promise<BoundaryReport> {
  const outDir = await mkdtemp(join(tmpdir(), 'vite-out-'));
  dirs.push(outDir);
  await viteBuild({
    root: dirname(resolve(html)),
    logLevel: 'silent',
    configFile: false,
    build: { outDir, emptyOutDir: true, manifest: true, minify: true, modulePreload: { polyfill: false } },
  });
  const manifest = JSON.parse(await readFile(join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest;
  const file = (key: string): string => manifest[key]!.file;
  const chunks: ChunkInfo[] = [];
  for (const [, chunk] of Object.entries(manifest)) {
    if (!chunk.file.endsWith('.js')) continue;
    chunks.push(
      await describeChunk(outDir, chunk.file, chunk.isEntry === true, (chunk.imports ?? []).map(file), (chunk.dynamicImports ?? []).map(file)),
    );
  }
  return classify('vite', chunks);
}

async function buildWithEsbuild(entry: string): Promise<BoundaryReport> {
  const outDir = await mkdtemp(join(tmpdir(), 'esbuild-out-'));
  dirs.push(outDir);
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    outdir: outDir,
    metafile: true,
    platform: 'browser',
    logLevel: 'silent',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // the repo's tsconfig maps `convai-transport` to src/ for type checking; a consumer
    // has no such mapping and gets dist/ through `exports`
    tsconfigRaw: {},
  });
  const rel = (p: string): string => relative(outDir, resolve(p));
  const chunks: ChunkInfo[] = [];
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    if (!path.endsWith('.js')) continue;
    chunks.push(
      await describeChunk(
        outDir,
        rel(path),
        // esbuild marks dynamic-import targets as entry points too; only the app's entry is one
        output.entryPoint !== undefined && resolve(output.entryPoint) === resolve(entry),
        output.imports.filter((i) => i.kind === 'import-statement').map((i) => rel(i.path)),
        output.imports.filter((i) => i.kind === 'dynamic-import').map((i) => rel(i.path)),
      ),
    );
  }
  return classify('esbuild', chunks);
}

const withPipecat = (report: BoundaryReport, files: readonly string[]): string[] =>
  report.chunks.filter((c) => files.includes(c.file) && c.pipecatMarkers.length > 0).map((c) => c.file);

describe.each(APPS)('bundle boundary: $name', (app) => {
  it.each([
    ['vite', () => buildWithVite(app.html)],
    ['esbuild', () => buildWithEsbuild(app.entry)],
  ] as const)(`%s: Pipecat code ${app.pipecat === 'none' ? 'in no file' : app.pipecat === 'lazy' ? 'only in a lazy chunk reached by dynamic import' : 'in the initial chunks, as the app asked'}`, async (_name, run) => {
    const report = await run();
    console.log(formatBoundary(report));
    expect(report.chunks.length).toBeGreaterThan(0);
    const withLivekit = report.chunks.filter((c) => c.livekitMarkers.length > 0).map((c) => c.file);
    // 'some' proves the marker scan finds livekit-client where it is, so 'none' can fail
    if (app.livekit === 'none') expect(withLivekit).toEqual([]);
    if (app.livekit === 'some') expect(withLivekit.length).toBeGreaterThan(0);
    if (app.pipecat === 'none') {
      // every emitted file, lazy or not: an app that never opted in gets no Pipecat file at all
      expect(withPipecat(report, report.chunks.map((c) => c.file))).toEqual([]);
      expect(report.chunks.flatMap((c) => c.dynamicImports)).toEqual([]);
      return;
    }
    if (app.pipecat === 'eager') {
      expect(withPipecat(report, report.eager).length).toBeGreaterThan(0);
      return;
    }
    expect(withPipecat(report, report.eager)).toEqual([]);
    const lazyWithPipecat = withPipecat(report, report.lazy);
    expect(lazyWithPipecat.length).toBeGreaterThan(0);
    // every Pipecat chunk is the target of a dynamic import from some chunk
    const dynamicTargets = new Set(report.chunks.flatMap((c) => c.dynamicImports));
    const reachedDynamically = (file: string): boolean =>
      dynamicTargets.has(file) || report.chunks.some((c) => dynamicTargets.has(c.file) && c.staticImports.includes(file));
    for (const file of lazyWithPipecat) expect(reachedDynamically(file), basename(file)).toBe(true);
  });
});
