import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  // ESM keeps each dynamic import() as its own chunk; for CJS, splitting stops tsup
  // from inlining the WebSocket module into the entry (RIG.md, "tsup and the lazy boundary").
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'browser',
  external: ['livekit-client'],
});
