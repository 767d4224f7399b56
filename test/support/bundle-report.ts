import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { livekitMarkersIn, pipecatMarkersIn } from './bundle-graph.js';

/** One output chunk and how it is reached. */
export interface ChunkInfo {
  readonly file: string;
  readonly isEntry: boolean;
  readonly staticImports: readonly string[];
  readonly dynamicImports: readonly string[];
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly pipecatMarkers: readonly string[];
  readonly livekitMarkers: readonly string[];
}

export interface BoundaryReport {
  readonly bundler: string;
  readonly chunks: readonly ChunkInfo[];
  /** Chunks loaded when the page starts: the entries and their static imports, transitively. */
  readonly eager: readonly string[];
  /** Chunks reached only through a dynamic import() somewhere. */
  readonly lazy: readonly string[];
  /** The package's dist/ files in the build, where the bundler tells (webpack). */
  readonly packageFiles?: readonly string[];
}

export async function describeChunk(
  outDir: string,
  file: string,
  isEntry: boolean,
  staticImports: string[],
  dynamicImports: string[],
): Promise<ChunkInfo> {
  const code = await readFile(join(outDir, file));
  return {
    file,
    isEntry,
    staticImports,
    dynamicImports,
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    pipecatMarkers: pipecatMarkersIn(code.toString('utf8')),
    livekitMarkers: livekitMarkersIn(code.toString('utf8')),
  };
}

export function classify(bundler: string, chunks: ChunkInfo[]): BoundaryReport {
  const byFile = new Map(chunks.map((c) => [c.file, c]));
  const eager = new Set<string>();
  const queue = chunks.filter((c) => c.isEntry).map((c) => c.file);
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (eager.has(file)) continue;
    eager.add(file);
    for (const next of byFile.get(file)?.staticImports ?? []) queue.push(next);
  }
  const lazy = chunks.map((c) => c.file).filter((f) => !eager.has(f));
  return { bundler, chunks, eager: [...eager], lazy };
}

export function formatBoundary(report: BoundaryReport): string {
  const rows = report.chunks.map((c) => {
    const kind = report.eager.includes(c.file) ? 'eager' : 'lazy ';
    const pipecat = `${c.pipecatMarkers.length > 0 ? ' pipecat' : ''}${c.livekitMarkers.length > 0 ? ' livekit' : ''}`;
    return `  ${kind} ${c.file.padEnd(44)} ${(c.bytes / 1024).toFixed(1).padStart(7)} KB  ${(c.gzipBytes / 1024).toFixed(1).padStart(6)} KB gz${pipecat}`;
  });
  return [`${report.bundler}:`, ...rows].join('\n');
}
