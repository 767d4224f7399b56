import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { formatBoundary, type BoundaryReport } from '../support/bundle-report.js';
import { buildWithEsbuild, buildWithRollup, buildWithVite, buildWithWebpack, removeBuildDirs } from '../support/bundlers.js';

// Real bundler output for apps that import the package by name (node_modules self-link,
// resolved through `exports` to dist/, as any consumer's bundler would). `pipecat` says
// where the app may carry Pipecat: nowhere (it never opted in), only in a lazy chunk
// (`convai-transport/auto`), or eagerly (it imported the WebSocket subpath itself).
type Expectation = 'none' | 'lazy' | 'eager';
type Bundler = 'vite' | 'esbuild' | 'rollup' | 'webpack';
interface App {
  readonly name: string;
  readonly html: string;
  readonly entry: string;
  readonly pipecat: Expectation;
  readonly bundlers: readonly Bundler[];
  /** `none`: not a byte of livekit-client either (the diagnostics panel never connects). */
  readonly livekit?: 'none' | 'some';
}
const ALL: readonly Bundler[] = ['vite', 'esbuild', 'rollup', 'webpack'];
const fixture = (name: string, entry: string, pipecat: Expectation, bundlers = ALL, livekit?: 'none' | 'some'): App => ({
  name: `${name} fixture`,
  html: `test/fixtures/${name}/index.html`,
  entry: `test/fixtures/${name}/${entry}`,
  pipecat,
  bundlers,
  ...(livekit ? { livekit } : {}),
});
const APPS: App[] = [
  fixture('auto-consumer', 'main.ts', 'lazy'),
  fixture('livekit-consumer', 'main.ts', 'none', ALL, 'some'),
  fixture('diagnostics-consumer', 'main.ts', 'none', ['vite', 'esbuild'], 'none'),
  fixture('react-diagnostics-consumer', 'main.tsx', 'none', ['vite', 'esbuild'], 'none'),
  fixture('react-livekit-consumer', 'main.tsx', 'none'),
  fixture('seed-vanilla', 'main.ts', 'eager'),
  fixture('seed-react', 'main.tsx', 'eager'),
  // CommonJS consumers: `require()` selects the package's `require` condition (dist/*.cjs)
  fixture('cjs-auto-consumer', 'main.cjs', 'lazy', ['webpack']),
  fixture('cjs-livekit-consumer', 'main.cjs', 'none', ['webpack']),
  ...(existsSync('examples/vanilla/index.html')
    ? [{ name: 'examples/vanilla', html: 'examples/vanilla/index.html', entry: 'examples/vanilla/main.ts', pipecat: 'lazy' as const, bundlers: ALL }]
    : []),
];

afterAll(removeBuildDirs);

const build = (bundler: Bundler, app: App): Promise<BoundaryReport> => {
  switch (bundler) {
    case 'vite':
      return buildWithVite(app.html);
    case 'esbuild':
      return buildWithEsbuild(app.entry);
    case 'rollup':
      return buildWithRollup(app.entry);
    case 'webpack':
      return buildWithWebpack(app.entry, { require: app.entry.endsWith('.cjs') });
  }
};

const withPipecat = (report: BoundaryReport, files: readonly string[]): string[] =>
  report.chunks.filter((c) => files.includes(c.file) && c.pipecatMarkers.length > 0).map((c) => c.file);

const claim = (pipecat: Expectation): string =>
  pipecat === 'none' ? 'in no file' : pipecat === 'lazy' ? 'only in a lazy chunk reached by dynamic import' : 'in the initial chunks, as the app asked';

describe.each(APPS)('bundle boundary: $name', (app) => {
  it.each(app.bundlers)(`%s: Pipecat code ${claim(app.pipecat)}`, async (bundler) => {
    const report = await build(bundler, app);
    console.log(formatBoundary(report), report.packageFiles ? `\n  package files: ${report.packageFiles.join(' ')}` : '');
    expect(report.chunks.length).toBeGreaterThan(0);
    expect(report.eager.length).toBeGreaterThan(0);
    if (report.packageFiles) {
      // the `exports` condition the bundler picked: dist/*.cjs for require(), dist/*.js for import
      const cjs = app.entry.endsWith('.cjs');
      expect(report.packageFiles.length).toBeGreaterThan(0);
      expect(report.packageFiles.filter((f) => f.endsWith('.cjs') !== cjs)).toEqual([]);
    }
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
