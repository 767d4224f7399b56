import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { build as viteBuild, type Manifest } from 'vite';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import replace from '@rollup/plugin-replace';
import rollupEsbuild from 'rollup-plugin-esbuild';
import webpack from 'webpack';
import { EsbuildPlugin } from 'esbuild-loader';
import { classify, describeChunk, type BoundaryReport, type ChunkInfo } from './bundle-report.js';

/**
 * Production builds of one app with each real bundler, as a consumer would configure
 * it, reduced to the same BoundaryReport (which file is an entry, what it imports
 * statically and dynamically, what it holds). Every build writes to a fresh temp
 * directory; `removeBuildDirs()` cleans them up.
 */

const dirs: string[] = [];
async function outDirFor(bundler: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${bundler}-out-`));
  dirs.push(dir);
  return dir;
}
export async function removeBuildDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function buildWithVite(html: string): Promise<BoundaryReport> {
  const outDir = await outDirFor('vite');
  await viteBuild({
    root: dirname(resolve(html)),
    logLevel: 'silent',
    configFile: false,
    build: { outDir, emptyOutDir: true, manifest: true, minify: true, modulePreload: { polyfill: false } },
  });
  const manifest = JSON.parse(await readFile(join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest;
  const file = (key: string): string => manifest[key]!.file;
  const chunks: ChunkInfo[] = [];
  for (const chunk of Object.values(manifest)) {
    if (!chunk.file.endsWith('.js')) continue;
    chunks.push(
      await describeChunk(outDir, chunk.file, chunk.isEntry === true, (chunk.imports ?? []).map(file), (chunk.dynamicImports ?? []).map(file)),
    );
  }
  return classify('vite', chunks);
}

export async function buildWithEsbuild(entry: string): Promise<BoundaryReport> {
  const outDir = await outDirFor('esbuild');
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

export async function buildWithRollup(entry: string): Promise<BoundaryReport> {
  const outDir = await outDirFor('rollup');
  const bundle = await rollup({
    input: resolve(entry),
    logLevel: 'silent',
    plugins: [
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
      // a browser app's conditions: `import` picks dist/*.js from the package's `exports`
      nodeResolve({ browser: true, exportConditions: ['import', 'browser'], extensions: ['.mjs', '.js', '.ts', '.tsx', '.json'] }),
      // React ships CommonJS only
      commonjs(),
      rollupEsbuild({ jsx: 'automatic', minify: true, target: 'es2022', tsconfig: false }),
    ],
  });
  const { output } = await bundle.write({ dir: outDir, format: 'es', entryFileNames: '[name]-[hash].js', chunkFileNames: '[name]-[hash].js' });
  await bundle.close();
  const chunks: ChunkInfo[] = [];
  for (const item of output) {
    if (item.type !== 'chunk') continue;
    chunks.push(await describeChunk(outDir, item.fileName, item.isEntry, [...item.imports], [...item.dynamicImports]));
  }
  return classify('rollup', chunks);
}

/**
 * webpack 5 in production mode. `require: true` builds an app whose entry is CommonJS
 * (`require('convai-transport/auto')`), so webpack resolves the package's `require`
 * condition and bundles dist/*.cjs: the split point must survive in that build too.
 */
export async function buildWithWebpack(entry: string, options: { require?: boolean } = {}): Promise<BoundaryReport> {
  const outDir = await outDirFor('webpack');
  const compiler = webpack({
    mode: 'production',
    target: 'web',
    context: resolve('.'),
    entry: { main: resolve(entry) },
    output: { path: outDir, filename: '[name].[contenthash].js', chunkFilename: '[name].[contenthash].js', clean: true },
    // TypeScript sources import each other as `./x.js`
    resolve: { extensions: ['.ts', '.tsx', '...'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          loader: 'esbuild-loader',
          // the repo's tsconfig (paths to src/) is not the consumer's
          options: { loader: 'tsx', jsx: 'automatic', target: 'es2022', tsconfigRaw: {} },
        },
      ],
    },
    optimization: { minimizer: [new EsbuildPlugin({ target: 'es2022' })] },
    devtool: false,
    performance: { hints: false },
    infrastructureLogging: { level: 'error' },
  });
  const stats = await new Promise<webpack.Stats>((done, fail) =>
    compiler.run((error, result) => {
      compiler.close(() => undefined);
      if (error || !result) fail(error ?? new Error('webpack gave no stats'));
      else if (result.hasErrors()) fail(new Error(result.toString({ all: false, errors: true })));
      else done(result);
    }),
  );
  const json = stats.toJson({ all: false, chunks: true, chunkRelations: true, ids: true, modules: true, nestedModules: true });
  const jsFiles = (c: webpack.StatsChunk): string[] => (c.files ?? []).filter((f) => f.endsWith('.js'));
  const byId = new Map((json.chunks ?? []).map((c) => [c.id, c]));
  const initialFiles = (json.chunks ?? []).filter((c) => c.initial).flatMap(jsFiles);
  const chunks: ChunkInfo[] = [];
  for (const chunk of json.chunks ?? []) {
    // webpack has no per-file import list: an entry chunk loads its entrypoint's other
    // initial chunks before running, and `children` are the chunks its import()s load
    const isEntry = chunk.entry === true;
    const staticImports = isEntry ? initialFiles : [];
    const dynamicImports = (chunk.children ?? []).flatMap((id) => jsFiles(byId.get(id)!));
    for (const file of jsFiles(chunk)) {
      chunks.push(await describeChunk(outDir, file, isEntry, staticImports.filter((f) => f !== file), dynamicImports));
    }
  }
  return { ...classify(options.require ? 'webpack (CommonJS build)' : 'webpack', chunks), packageFiles: packageFiles(json.modules ?? []) };
}

/** The package's dist/ files webpack bundled: shows which `exports` condition it resolved. */
function packageFiles(modules: readonly webpack.StatsModule[]): string[] {
  const names = new Set<string>();
  const dist = `${resolve('dist')}/`;
  const visit = (m: webpack.StatsModule): void => {
    const file = m.nameForCondition ?? '';
    if (file.startsWith(dist) && /\.c?js$/.test(file)) names.add(file.slice(dist.length));
    for (const inner of m.modules ?? []) visit(inner);
  };
  modules.forEach(visit);
  return [...names].sort();
}
