import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The project's layers, bottom to top. A module may import its own layer and the
 * layers below; `probes` stands beside the stack: it may import only itself and the
 * leaf layer, and only the negotiator and the entries may import it.
 */
export const LAYERS = ['leaf', 'messages', 'transports', 'client', 'negotiator', 'entries'] as const;
export type Layer = (typeof LAYERS)[number] | 'probes';

export function layerOf(file: string): Layer | undefined {
  const f = file.replace(/\\/g, '/');
  if (f.startsWith('probes/')) return 'probes';
  if (f.startsWith('src/errors/') || f.startsWith('src/util/')) return 'leaf';
  if (f.startsWith('src/messages/')) return 'messages';
  if (f.startsWith('src/transports/')) return 'transports';
  if (f.startsWith('src/client/')) return 'client';
  if (f.startsWith('src/negotiator/')) return 'negotiator';
  if (/^src\/[^/]+\.tsx?$/.test(f) || /^src\/(react|widget|diagnostics)\//.test(f)) return 'entries';
  return undefined;
}

const rank = (layer: Exclude<Layer, 'probes'>): number => LAYERS.indexOf(layer);

/** Why `from` may not import `to`, or undefined when it may. */
export function violation(from: Layer, to: Layer): string | undefined {
  if (from === 'probes') return to === 'probes' || to === 'leaf' ? undefined : `probes import only probes and errors/util, not ${to}`;
  if (to === 'probes') return from === 'negotiator' || from === 'entries' ? undefined : `only the negotiator and the entries may import probes, not ${from}`;
  return rank(to) > rank(from) ? `${from} imports the layer above it (${to})` : undefined;
}

/** Module-relative imports of each file (static, type-only, re-exports and import()), as repo paths. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

function resolveImport(fromFile: string, specifier: string, root: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(root, dirname(fromFile), specifier).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return relative(root, candidate).replace(/\\/g, '/');
    } catch {
      // try the next form
    }
  }
  return undefined;
}

export function readImportGraph(root: string, dirs: readonly string[] = ['src', 'probes']): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const dir of dirs) {
    for (const abs of sourceFiles(join(root, dir))) {
      const file = relative(root, abs).replace(/\\/g, '/');
      // preProcessFile sees `import type`, `export ... from` and `import()` alike
      const info = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
      graph.set(
        file,
        info.importedFiles.map((i) => resolveImport(file, i.fileName, root)).filter((f): f is string => f !== undefined),
      );
    }
  }
  return graph;
}

/** Every import that breaks the layering, as `from -> to: why`. */
export function layerViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = layerOf(from);
    for (const to of targets) {
      const b = layerOf(to);
      if (!a || !b) {
        out.push(`${from} -> ${to}: not in any layer`);
        continue;
      }
      const why = violation(a, b);
      if (why) out.push(`${from} -> ${to}: ${why}`);
    }
  }
  return out;
}

/** Import cycles between files (Tarjan's strongly connected components of size > 1, or self-imports). */
export function importCycles(graph: ImportGraph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return cycles;
}

/** Every file reachable from `start` through imports of any kind, `start` included. */
export function reachableFrom(graph: ImportGraph, start: string): string[] {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...(graph.get(file) ?? []));
  }
  return [...seen];
}
