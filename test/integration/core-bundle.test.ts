import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Options } from 'tsup';
import config, { keepWebSocketLazyInCjs } from '../../tsup.config.js';
import { pipecatMarkersIn, staticGraph } from '../support/bundle-graph.js';

let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'core-bundle-'));
  const base = (Array.isArray(config) ? config[0] : config) as Options;
  await build({
    ...base,
    outDir: out,
    dts: false,
    sourcemap: false,
    silent: true,
    config: false,
    onSuccess: () => keepWebSocketLazyInCjs(out),
  });
  return () => rm(out, { recursive: true, force: true });
}, 120_000);

describe('the core entry of the built package', () => {
  it.each(['index.js', 'index.cjs'])('%s reaches no Pipecat code through static imports', async (entry) => {
    const graph = await staticGraph(join(out, entry));
    expect(graph.staticFiles.length).toBeGreaterThan(0);
    for (const file of graph.staticFiles) {
      const code = await readFile(file, 'utf8');
      expect({ file, markers: pipecatMarkersIn(code) }).toEqual({ file, markers: [] });
    }
  });

  it('the marker scan does find Pipecat code where it is (so it can fail)', async () => {
    const files = await readdir(out);
    if (!files.includes('websocket.js')) {
      // until the subpath exists, prove the scanner on Pipecat's own published code
      const own = await readFile(
        join('node_modules/@pipecat-ai/client-js/dist/index.module.js'),
        'utf8',
      ).catch(() => '');
      expect(pipecatMarkersIn(own).length).toBeGreaterThan(0);
      return;
    }
    const code = await readFile(join(out, 'websocket.js'), 'utf8');
    expect(pipecatMarkersIn(code).length).toBeGreaterThan(0);
  });

  it('names no Pipecat package among the runtime dependencies a consumer installs', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { dependencies?: Record<string, string> };
    expect(Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith('@pipecat-ai'))).toEqual([]);
    expect(existsSync(join(out, 'index.js'))).toBe(true);
  });
});
