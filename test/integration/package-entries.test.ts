import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Loads the built package the way consumers do, by name through its `exports`
// (a self-reference), in a separate Node process for each module system.
describe('the built package, loaded by name (run `npm run build` first; `npm test` does)', () => {
  it('is built', () => expect(existsSync('dist/index.js')).toBe(true));
  const run = (code: string, type: 'commonjs' | 'module'): string =>
    execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { encoding: 'utf8' }).trim();

  it('require("convai-transport") gives the ConvaiClient and the error classes', () => {
    const out = run(
      "const m = require('convai-transport'); console.log(typeof m.ConvaiClient, typeof m.ConfigError, typeof m.isConvaiError)",
      'commonjs',
    );
    expect(out).toBe('function function function');
  });

  it('import("convai-transport") gives the same API', () => {
    const out = run(
      "const m = await import('convai-transport'); console.log(typeof m.ConvaiClient, typeof m.ConfigError, typeof m.isConvaiError)",
      'module',
    );
    expect(out).toBe('function function function');
  });

  it('a config error thrown by the built code names the field', () => {
    const out = run(
      "const { ConvaiClient } = require('convai-transport'); try { new ConvaiClient({ apiKey: 'k-123456', characterId: '' }) } catch (e) { console.log(e.name, e.code, e.field) }",
      'commonjs',
    );
    expect(out).toBe('ConfigError INVALID_CONFIG characterId');
  });
});
