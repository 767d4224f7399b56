import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importCycles, layerOf, layerViolations, reachableFrom, readImportGraph, type ImportGraph } from '../support/import-graph.js';

// The layers as docs/ARCHITECTURE.md draws them: errors/util <- messages <- transports
// <- client <- negotiator <- entries, with probes beside. Read from the real sources.
const graph = readImportGraph(process.cwd());

describe('layering of src/ and probes/', () => {
  it('reads the real import graph', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('src/auto.ts')).toContain('src/negotiator/auto-negotiator.ts');
    // a dynamic import() counts as an import
    expect(graph.get('src/auto.ts')).toContain('src/websocket.ts');
  });

  it('every file belongs to a layer and no import points up', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('no import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('the client never reaches the negotiator or Pipecat, even through other files', () => {
    const fromCore = reachableFrom(graph, 'src/index.ts');
    expect(fromCore.filter((f) => f.startsWith('src/negotiator/') || f.startsWith('probes/'))).toEqual([]);
    expect(fromCore.filter((f) => /pipecat/.test(f))).toEqual([]);
    expect(fromCore).not.toContain('src/websocket.ts');
  });

  it('the diagnostics panel (and its React wrapper) reach only probes/ and the leaf layer', () => {
    for (const start of ['src/diagnostics/index.ts', 'src/react/convai-diagnostics.tsx']) {
      const files = reachableFrom(graph, start);
      expect(files.some((f) => f.startsWith('probes/'))).toBe(true);
      expect(files.filter((f) => !/^(probes\/|src\/diagnostics\/|src\/errors\/|src\/util\/)/.test(f) && f !== start)).toEqual([]);
    }
  });

  it('no file in src/ or probes/ is over 300 lines', () => {
    const long = [...graph.keys()]
      .map((f) => ({ f, lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > 300);
    expect(long).toEqual([]);
  });
});

describe('the layering check itself (so it can fail)', () => {
  const fake = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

  it('flags an upward import', () => {
    const v = layerViolations(fake({ 'src/client/a.ts': ['src/negotiator/b.ts'], 'src/negotiator/b.ts': [] }));
    expect(v).toEqual(['src/client/a.ts -> src/negotiator/b.ts: client imports the layer above it (negotiator)']);
  });

  it('flags probes importing the client, and the client importing probes', () => {
    const v = layerViolations(fake({ 'probes/p.ts': ['src/client/c.ts'], 'src/client/c.ts': ['probes/p.ts'] }));
    expect(v).toHaveLength(2);
  });

  it('finds a cycle across layers and a self-import', () => {
    expect(importCycles(fake({ a: ['b'], b: ['c'], c: ['a'], d: ['d'] }))).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('places files in layers', () => {
    expect(layerOf('src/util/emitter.ts')).toBe('leaf');
    expect(layerOf('src/react/index.ts')).toBe('entries');
    expect(layerOf('probes/node/cli.ts')).toBe('probes');
    expect(layerOf('scripts/setup.mjs')).toBeUndefined();
  });
});
