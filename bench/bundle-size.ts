import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { build as viteBuild, type Manifest, type Plugin } from 'vite';
import { classify, describeChunk, type ChunkInfo } from '../test/support/bundle-report.js';
import { entrySizes, type EntrySize } from './entry-sizes.js';

export interface BundleResult {
  /** A forced-LiveKit app on the core entry, our code only (livekit-client, @livekit/*, p-retry left external). */
  readonly coreOwnGzip: number;
  /** Core entry with its dependencies bundled (livekit-client mostly). */
  readonly coreWithDepsGzip: number;
  /** examples/vanilla (client + widget): what the page loads at start. */
  readonly vanillaEagerGzip: number;
  /** examples/vanilla: the lazy chunk(s) holding the WebSocket transport (Pipecat inside). */
  readonly websocketChunkGzip: number;
  /** Bytes of Pipecat modules rendered into chunks loaded at start (must be 0). */
  readonly pipecatBytesInEager: number;
  /** The same count over the lazy chunks: proves the attribution finds Pipecat where it is. */
  readonly pipecatBytesInLazy: number;
  /** Pipecat's marker strings found in chunks loaded at start (must be none). */
  readonly pipecatMarkersInEager: readonly string[];
  /** Anchor: @pipecat-ai/client-js + websocket-transport with its default DailyMediaManager. */
  readonly pipecatDefaultGzip: number;
  /** Each entry's own weight, everything it exports (see `entry-sizes.ts`). */
  readonly entries: readonly EntrySize[];
  readonly vanillaChunks: readonly { readonly file: string; readonly kind: 'eager' | 'lazy'; readonly gzip: number }[];
}

interface BuiltChunk extends ChunkInfo {
  /** Rendered bytes per module id, before minification (where the bundler reports it). */
  readonly modules: Readonly<Record<string, number>>;
}

/** Our package, its Pipecat part, as the bundler sees module ids (dist/ through the self-link). */
const PIPECAT_MODULE = /@pipecat-ai|[\\/]dist[\\/]websocket\.js$/;

/** Records each output chunk's modules; Vite's manifest lists files but not their contents. */
function moduleRecorder(into: Map<string, Record<string, number>>): Plugin {
  return {
    name: 'bench-module-recorder',
    generateBundle(_options, bundle) {
      for (const [file, output] of Object.entries(bundle)) {
        if (output.type !== 'chunk') continue;
        into.set(file, Object.fromEntries(Object.entries(output.modules).map(([id, m]) => [id, m.renderedLength])));
      }
    },
  };
}

async function buildWithVite(html: string, external: (string | RegExp)[] = []): Promise<{ chunks: BuiltChunk[]; eager: string[]; lazy: string[] }> {
  const outDir = await mkdtemp(join(tmpdir(), 'bench-vite-'));
  try {
    const modules = new Map<string, Record<string, number>>();
    await viteBuild({
      root: dirname(resolve(html)),
      logLevel: 'silent',
      configFile: false,
      plugins: [moduleRecorder(modules)],
      build: {
        outDir,
        emptyOutDir: true,
        manifest: true,
        minify: true,
        modulePreload: { polyfill: false },
        rolldownOptions: { external },
      },
    });
    const manifest = JSON.parse(await readFile(join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest;
    const file = (key: string): string => manifest[key]!.file;
    const chunks: BuiltChunk[] = [];
    for (const chunk of Object.values(manifest)) {
      if (!chunk.file.endsWith('.js')) continue;
      const info = await describeChunk(outDir, chunk.file, chunk.isEntry === true, (chunk.imports ?? []).map(file), (chunk.dynamicImports ?? []).map(file));
      chunks.push({ ...info, modules: modules.get(chunk.file) ?? {} });
    }
    const report = classify('vite', chunks);
    return { chunks, eager: [...report.eager], lazy: [...report.lazy] };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

const pipecatBytes = (chunks: readonly BuiltChunk[]): number =>
  sum(chunks.flatMap((c) => Object.entries(c.modules).filter(([id]) => PIPECAT_MODULE.test(id)).map(([, n]) => n)));

/** The anchor the lazy chunk is measured against: Pipecat as a consumer would bundle it. */
async function pipecatDefaultGzip(): Promise<number> {
  const result = await esbuild.build({
    stdin: {
      contents: "export * from '@pipecat-ai/client-js';\nexport * from '@pipecat-ai/websocket-transport';\n",
      resolveDir: process.cwd(),
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

/** 4. Bundle sizes from real Vite builds (gzip -9 of the minified chunks). */
export async function benchBundleSize(log: (line: string) => void): Promise<BundleResult> {
  const core = 'bench/fixtures/core-consumer/index.html';
  const own = await buildWithVite(core, ['livekit-client', /^@livekit\//, 'p-retry']);
  const coreOwnGzip = sum(own.chunks.filter((c) => own.eager.includes(c.file)).map((c) => c.gzipBytes));
  const full = await buildWithVite(core);
  const coreWithDepsGzip = sum(full.chunks.filter((c) => full.eager.includes(c.file)).map((c) => c.gzipBytes));
  log(`    core entry: ${kb(coreOwnGzip)} own code, ${kb(coreWithDepsGzip)} with livekit-client`);

  const vanilla = await buildWithVite('examples/vanilla/index.html');
  const eagerChunks = vanilla.chunks.filter((c) => vanilla.eager.includes(c.file));
  const lazyChunks = vanilla.chunks.filter((c) => vanilla.lazy.includes(c.file));
  const websocketChunks = lazyChunks.filter((c) => c.pipecatMarkers.length > 0);
  const result: BundleResult = {
    coreOwnGzip,
    coreWithDepsGzip,
    vanillaEagerGzip: sum(eagerChunks.map((c) => c.gzipBytes)),
    websocketChunkGzip: sum(websocketChunks.map((c) => c.gzipBytes)),
    pipecatBytesInEager: pipecatBytes(eagerChunks),
    pipecatBytesInLazy: pipecatBytes(lazyChunks),
    pipecatMarkersInEager: [...new Set(eagerChunks.flatMap((c) => c.pipecatMarkers))],
    pipecatDefaultGzip: await pipecatDefaultGzip(),
    entries: await entrySizes(),
    vanillaChunks: vanilla.chunks.map((c) => ({ file: c.file, kind: vanilla.eager.includes(c.file) ? 'eager' : 'lazy', gzip: c.gzipBytes })),
  };
  log(
    `    examples/vanilla: ${kb(result.vanillaEagerGzip)} at start, WebSocket chunk ${kb(result.websocketChunkGzip)}, ` +
      `Pipecat bytes at start ${result.pipecatBytesInEager}; Pipecat default ${kb(result.pipecatDefaultGzip)}`,
  );
  log(`    entries (own code, all exports): ${result.entries.map((e) => `${e.entry.replace('convai-transport', '.')} ${kb(e.gzipBytes)}`).join(', ')}`);
  if (websocketChunks.length === 0 || result.pipecatBytesInLazy === 0) {
    throw new Error('bundle bench: no lazy chunk with Pipecat code found in examples/vanilla (the attribution cannot be trusted)');
  }
  return result;
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
