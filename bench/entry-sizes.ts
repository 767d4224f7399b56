import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

/** The package's entries as an app imports them. */
export const ENTRIES = [
  'convai-transport',
  'convai-transport/auto',
  'convai-transport/websocket',
  'convai-transport/react',
  'convai-transport/widget',
  'convai-transport/probe',
  'convai-transport/diagnostics',
] as const;

export interface EntrySize {
  readonly entry: (typeof ENTRIES)[number];
  /** gzip -9 of what loads at start when an app imports everything the entry exports. */
  readonly gzipBytes: number;
}

/** esbuild output loaded at start from `entryPoint`: the entry chunk and its static imports, transitively. */
export function eagerOutputs(result: esbuild.BuildResult & { metafile: esbuild.Metafile }, entryPoint: string): string[] {
  const outputs = result.metafile.outputs;
  const eager = new Set<string>();
  const queue = Object.keys(outputs).filter((p) => outputs[p]!.entryPoint === entryPoint);
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (eager.has(path)) continue;
    eager.add(path);
    for (const i of outputs[path]!.imports) if (i.kind === 'import-statement' && !i.external) queue.push(i.path);
  }
  return [...eager];
}

/** gzip -9 of the output loaded at start (see `eagerOutputs`); the build must keep its files in memory. */
export function eagerGzipBytes(result: esbuild.BuildResult & { metafile: esbuild.Metafile }, entryPoint: string): number {
  const eager = eagerOutputs(result, entryPoint);
  const files = (result.outputFiles ?? []).filter((f) => eager.some((p) => f.path.endsWith(p)));
  return files.reduce((n, f) => n + gzipSync(f.contents, { level: 9 }).length, 0);
}

/**
 * Each entry's own weight: esbuild bundles `export * from '<entry>'` from the built
 * package (dist/, through the self-link), dependencies left external (livekit-client,
 * p-retry, React), minified; only the chunks loaded at start count (the WebSocket chunk
 * behind `auto` is lazy). Pipecat is part of the `websocket` entry's own code: it is
 * bundled into it on purpose (see docs/ARCHITECTURE.md, "The lazy boundary").
 */
export async function entrySizes(): Promise<EntrySize[]> {
  const sizes: EntrySize[] = [];
  for (const entry of ENTRIES) {
    const result = await esbuild.build({
      stdin: { contents: `export * from '${entry}';\n`, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      splitting: true,
      outdir: 'bench-entry-out',
      format: 'esm',
      minify: true,
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
      // the repo's tsconfig maps the package name to src/; a consumer gets dist/
      tsconfigRaw: {},
      external: ['livekit-client', '@livekit/*', 'p-retry', 'react', 'react-dom', 'react/jsx-runtime'],
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    sizes.push({ entry, gzipBytes: eagerGzipBytes(result, '<stdin>') });
  }
  return sizes;
}
