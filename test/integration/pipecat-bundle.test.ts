import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { build, type Options } from 'tsup';
import config from '../../tsup.config.js';
import { pipecatMarkersIn, staticGraph } from '../support/bundle-graph.js';

/**
 * The WebSocket subpath as built by the real tsup config: Pipecat is inside it,
 * daily-js is not (aliased to a stub), Pipecat's licence travels with it, and it
 * shares ConvaiClient with the core instead of carrying a copy.
 */

let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'pipecat-bundle-'));
  const base = (Array.isArray(config) ? config[0] : config) as Options;
  await build({ ...base, outDir: out, dts: false, sourcemap: false, silent: true, config: false });
  return () => rm(out, { recursive: true, force: true });
}, 120_000);

describe.each(['websocket.js', 'websocket.cjs'])('dist/%s', (entry) => {
  it('carries the Pipecat code and its BSD-2-Clause notice', async () => {
    const code = await readFile(join(out, entry), 'utf8');
    expect(pipecatMarkersIn(code)).toEqual(expect.arrayContaining(['@pipecat-ai', 'rtvi-ai', 'PipecatClient']));
    expect(code).toContain('BSD 2-Clause License, Copyright (c) 2024, Daily');
  });

  it('has no daily-js (its CDN loader and Sentry client are absent; the stub is there)', async () => {
    const code = await readFile(join(out, entry), 'utf8');
    expect(code).not.toContain('c.daily.co');
    expect(code).not.toContain('sentry.io');
    expect(code).toContain('@daily-co/daily-js is not bundled');
  });

  it('imports ConvaiClient from the chunk it shares with the core entry', async () => {
    const graph = await staticGraph(join(out, entry));
    const core = await staticGraph(join(out, entry.replace('websocket', 'index')));
    const shared = graph.staticFiles.filter((f) => core.staticFiles.includes(f));
    const sharedCode = await Promise.all(shared.map((f) => readFile(f, 'utf8')));
    expect(sharedCode.some((c) => c.includes('convai-transport.websocket-factory'))).toBe(true);
    const own = await readFile(join(out, entry), 'utf8');
    expect(own).not.toContain('convai-transport.websocket-factory');
  });
});

describe('size of the WebSocket chunk', () => {
  it('stays near ~50 KB gzip once minified (daily-js alone would add ~69 KB)', async () => {
    const minified = await esbuild.build({
      entryPoints: [join(out, 'websocket.js')],
      bundle: false,
      minify: true,
      write: false,
      format: 'esm',
      legalComments: 'none',
      logLevel: 'silent',
    });
    const gzip = gzipSync(minified.outputFiles[0]!.contents, { level: 9 }).byteLength;
    console.log(`websocket.js minified+gzip: ${(gzip / 1024).toFixed(1)} KB`);
    expect(gzip).toBeLessThan(70 * 1024);
  });
});
