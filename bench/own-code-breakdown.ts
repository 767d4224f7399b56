import * as esbuild from 'esbuild';
import { eagerGzipBytes, eagerOutputs } from './entry-sizes.js';

export interface OwnCodeShare {
  /** A source folder, e.g. `probes` or `src/client`. */
  readonly folder: string;
  /** Minified bytes esbuild put in the output for it. */
  readonly minifiedBytes: number;
  /** Its minified share scaled onto the bundle's gzip size (gzip is not additive: an estimate). */
  readonly estGzipBytes: number;
}

/**
 * Where the core entry's own bytes come from, by source folder: esbuild bundles the same
 * consumer from `src/` (tsconfig `paths` map `convai-transport` there), dependencies left
 * external, with code splitting so the lazy WebSocket chunk stays out; its metafile says how
 * many output bytes each input file produced. Nothing is written to disk.
 */
export interface OwnCodeBreakdown {
  readonly gzipBytes: number;
  readonly folders: readonly OwnCodeShare[];
  /** The ten largest source files, `folder` holding the file path. */
  readonly files: readonly OwnCodeShare[];
}

export async function ownCodeBreakdown(): Promise<OwnCodeBreakdown> {
  const result = await esbuild.build({
    entryPoints: ['bench/fixtures/core-consumer/main.ts'],
    bundle: true,
    splitting: true,
    outdir: 'bench-breakdown-out',
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['livekit-client', '@livekit/*', 'p-retry'],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  // only what loads at start: the entry and its static imports (the WebSocket chunk is lazy)
  const outputs = result.metafile.outputs;
  const entry = 'bench/fixtures/core-consumer/main.ts';
  const eager = eagerOutputs(result, entry);
  const gzipBytes = eagerGzipBytes(result, entry);
  const byFolder = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const out of eager.map((p) => outputs[p]!)) {
    for (const [file, input] of Object.entries(out.inputs)) {
      if (input.bytesInOutput === 0) continue;
      const parts = file.split('/');
      const folder = parts.length > 2 ? parts.slice(0, 2).join('/') : (parts[0] ?? file);
      byFolder.set(folder, (byFolder.get(folder) ?? 0) + input.bytesInOutput);
      byFile.set(file, (byFile.get(file) ?? 0) + input.bytesInOutput);
    }
  }
  const total = [...byFolder.values()].reduce((a, b) => a + b, 0);
  const shares = (map: Map<string, number>): OwnCodeShare[] =>
    [...map.entries()]
      .map(([folder, minifiedBytes]) => ({ folder, minifiedBytes, estGzipBytes: Math.round((minifiedBytes / total) * gzipBytes) }))
      .sort((a, b) => b.minifiedBytes - a.minifiedBytes);
  return { gzipBytes, folders: shares(byFolder), files: shares(byFile).slice(0, 10) };
}
