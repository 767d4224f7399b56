import { fileURLToPath } from 'node:url';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

/**
 * tsup's CJS splitting turns `import('./websocket.js')` into
 * `Promise.resolve().then(() => require('./websocket.cjs'))` after esbuild has run.
 * Lazy at run time in Node, but a bundler fed the CJS build would pull the required
 * file into the same chunk. Turning it back into `import()` keeps it a split point
 * for every consumer (docs/ARCHITECTURE.md, "The lazy boundary").
 */
export async function keepWebSocketLazyInCjs(dir = 'dist'): Promise<void> {
  const lazyRequire = /Promise\.resolve\(\)\.then\(\(\) => _interopRequireWildcard\(require\("\.\/websocket\.cjs"\)\)\)/g;
  const marker = 'require("./websocket.cjs")';
  for (const file of await readdir(dir)) {
    if (!file.endsWith('.cjs')) continue;
    const code = await readFile(`${dir}/${file}`, 'utf8');
    if (code.includes(marker)) await writeFile(`${dir}/${file}`, code.replace(lazyRequire, 'import("./websocket.cjs")'));
  }
}

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    websocket: 'src/websocket.ts',
    auto: 'src/auto.ts',
    probe: 'src/probe.ts',
    cli: 'probes/node/cli.ts',
    react: 'src/react/index.ts',
    widget: 'src/widget/index.ts',
    diagnostics: 'src/diagnostics/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  // ESM keeps each dynamic import() as its own chunk; for CJS, splitting stops tsup
  // from inlining the WebSocket module into the entry (docs/ARCHITECTURE.md, "The lazy boundary").
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'browser',
  // werift and ws are loaded by the probe CLI only, at run time (optional peers)
  external: ['livekit-client', 'werift', 'ws', 'react', 'react/jsx-runtime'],
  // Pipecat is bundled INTO the websocket chunk (never reachable from `index`), so the
  // daily-js alias below takes effect; a consumer's bundler could not do it for us.
  noExternal: [/^@pipecat-ai\//, /^@protobuf-ts\//, 'events', 'bowser', 'uuid', 'x-law', 'clone-deep'],
  onSuccess: () => keepWebSocketLazyInCjs(),
  esbuildOptions(options) {
    options.alias = {
      ...options.alias,
      '@daily-co/daily-js': fileURLToPath(new URL('./src/transports/pipecat-daily-stub.ts', import.meta.url)),
    };
    // keeps Pipecat's BSD-2-Clause notice (a /*! */ comment in pipecat-transport.ts)
    options.legalComments = 'eof';
  },
});
