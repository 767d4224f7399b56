import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { pipecatMarkersIn, staticGraph } from '../support/bundle-graph.js';

/**
 * The built `./react` and `./widget` entries (run `npm run build` first): no Pipecat
 * code reachable through static imports, React left to the app (a peer), and the
 * core entry free of React.
 */

const ENTRIES = ['dist/react.js', 'dist/react.cjs', 'dist/widget.js', 'dist/widget.cjs'];
const importsReact = (code: string): boolean => /from\s*["']react(?:\/[^"']*)?["']|require\(["']react(?:\/[^"']*)?["']\)/.test(code);

describe('UI entries of the package', () => {
  it.each(ENTRIES)('%s reaches no Pipecat code without a dynamic import', async (entry) => {
    const graph = await staticGraph(entry);
    for (const file of graph.staticFiles) {
      expect(pipecatMarkersIn(await readFile(file, 'utf8')), file).toEqual([]);
    }
  });

  it('the react entry imports react (a peer) instead of bundling it', async () => {
    for (const entry of ['dist/react.js', 'dist/react.cjs']) {
      const code = await readFile(entry, 'utf8');
      expect(importsReact(code), entry).toBe(true);
      // React's own source would carry this; an external import does not
      expect(code).not.toContain('__SECRET_INTERNALS');
    }
  });

  it('neither the core nor the widget entry imports react', async () => {
    for (const entry of ['dist/index.js', 'dist/index.cjs', 'dist/widget.js', 'dist/widget.cjs']) {
      const graph = await staticGraph(entry);
      for (const file of graph.staticFiles) expect(importsReact(await readFile(file, 'utf8')), file).toBe(false);
    }
  });

  it.each(['dist/diagnostics.js', 'dist/diagnostics.cjs'])('%s imports neither livekit-client, nor react, nor Pipecat code', async (entry) => {
    const graph = await staticGraph(entry);
    expect(graph.staticFiles.length).toBeGreaterThan(0);
    for (const file of graph.staticFiles) {
      const code = await readFile(file, 'utf8');
      expect(/["']livekit-client["']/.test(code), file).toBe(false);
      expect(importsReact(code), file).toBe(false);
      expect(pipecatMarkersIn(code), file).toEqual([]);
    }
    // the scan can fail: the core entry does import livekit-client
    const core = await staticGraph('dist/index.js');
    const texts = await Promise.all(core.staticFiles.map((f) => readFile(f, 'utf8')));
    expect(texts.some((t) => /["']livekit-client["']/.test(t))).toBe(true);
  });

  it('package.json: ./react and ./widget subpaths, react an optional peer', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as {
      exports: Record<string, { import: { types: string; default: string }; require: { types: string; default: string } }>;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    for (const sub of ['./react', './widget', './diagnostics']) {
      const name = sub.slice(2);
      expect(pkg.exports[sub]).toEqual({
        import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
        require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
      });
    }
    expect(pkg.peerDependencies?.['react']).toBeDefined();
    expect(pkg.peerDependenciesMeta?.['react']?.optional).toBe(true);
  });
});
