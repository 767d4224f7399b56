import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { build as viteBuild, type Manifest } from 'vite';
import { classify, describeChunk, formatBoundary, type BoundaryReport, type ChunkInfo } from '../support/bundle-report.js';

// Real bundler output for apps that import the package by name (node_modules self-link,
// resolved through `exports` to dist/, as any consumer's bundler would).
const APPS = [
  { name: 'auto-consumer fixture', html: 'test/fixtures/auto-consumer/index.html', entry: 'test/fixtures/auto-consumer/main.ts' },
  ...(existsSync('examples/vanilla/index.html')
    ? [{ name: 'examples/vanilla', html: 'examples/vanilla/index.html', entry: 'examples/vanilla/main.ts' }]
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

describe.each(APPS)('bundle boundary: $name', (app) => {
  it.each([
    ['vite', () => buildWithVite(app.html)],
    ['esbuild', () => buildWithEsbuild(app.entry)],
  ] as const)('%s: Pipecat code only in a lazy chunk reached by dynamic import', async (_name, run) => {
    const report = await run();
    console.log(formatBoundary(report));
    const eagerWithPipecat = report.chunks.filter((c) => report.eager.includes(c.file) && c.pipecatMarkers.length > 0);
    expect(eagerWithPipecat.map((c) => c.file)).toEqual([]);
    const lazyWithPipecat = report.chunks.filter((c) => report.lazy.includes(c.file) && c.pipecatMarkers.length > 0);
    expect(lazyWithPipecat.length).toBeGreaterThan(0);
    // every Pipecat chunk is the target of a dynamic import from some chunk
    const dynamicTargets = new Set(report.chunks.flatMap((c) => c.dynamicImports));
    const reachedDynamically = (file: string): boolean =>
      dynamicTargets.has(file) || report.chunks.some((c) => dynamicTargets.has(c.file) && c.staticImports.includes(file));
    for (const chunk of lazyWithPipecat) expect(reachedDynamically(chunk.file), basename(chunk.file)).toBe(true);
  });
});
