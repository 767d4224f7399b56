import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createPipecatBot } from '../../examples/backend/pipecat-bot.js';
import { createPackedConsumer, type PackedConsumer } from '../support/packed-consumer.js';

// The Convai Web SDK compatibility claims, checked on the package as published (see
// test/support/packed-consumer.ts): apps type-checked with tsc and bundled with esbuild,
// then run in Node with a happy-dom document against the local backend (Pipecat bot over
// a real WebSocket). The unchanged 1.2.0 LiveKit app runs in Chromium:
// test/e2e/sdk-compat-livekit.test.ts.
const exec = promisify(execFile);
const ROOT = resolve('.');
const APPS = ['seed-vanilla.ts', 'seed-react.tsx', 'seed-mic-off.ts', 'sdk-120-app.ts', 'sdk-120-livekit.ts'] as const;
let consumer: string;
let packed: PackedConsumer | undefined;

interface Result {
  readonly ok: boolean;
  readonly error?: string;
  readonly report: Record<string, unknown>;
  readonly unhandled: string[];
  readonly warnings: string[];
}

beforeAll(async () => {
  packed = await createPackedConsumer('test/fixtures/compat');
  consumer = packed.dir;
  await writeFile(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        strict: true, jsx: 'react-jsx', noEmit: true, skipLibCheck: true, types: [],
      },
      files: APPS.map((app) => `src/${app}`),
    }),
  );
  await esbuild.build({
    absWorkingDir: consumer,
    entryPoints: ['src/harness.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: join(consumer, 'out', 'harness.mjs'),
    logLevel: 'silent',
  });
}, 120_000);

afterAll(async () => {
  await packed?.remove();
});

async function buildApp(app: string): Promise<string> {
  const outfile = join(consumer, 'out', app.replace(/\.tsx?$/, '.mjs'));
  const result = await esbuild.build({
    absWorkingDir: consumer,
    entryPoints: [`src/${app}`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  // the app got the unpacked tarball, not this repository's sources or its self-link
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.some((f) => f.startsWith('node_modules/convai-transport/dist/'))).toBe(true);
  const repoFiles = inputs.filter((f) => [join(ROOT, 'dist'), join(ROOT, 'src')].some((d) => resolve(consumer, f).startsWith(d)));
  expect(repoFiles).toEqual([]);
  return outfile;
}

async function runApp(app: string, apiKey: string): Promise<{ result: Result; backend: Backend }> {
  const bundle = await buildApp(app);
  const backend = await startBackend({ apiKey, services: [createPipecatBot({ toneMs: 50 })] });
  try {
    const { stdout } = await exec(process.execPath, [join(consumer, 'out', 'harness.mjs'), bundle, backend.url], {
      cwd: consumer,
      timeout: 60_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('COMPAT_RESULT '));
    if (!line) throw new Error(`no result from ${app}:\n${stdout}`);
    return { result: JSON.parse(line.slice('COMPAT_RESULT '.length)) as Result, backend };
  } finally {
    await backend.stop();
  }
}

describe('Convai Web SDK apps against the packed package (tsc, esbuild, Node + happy-dom, local backend)', () => {
  it('the apps type-check against the packed types, with no `any`', async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const { stdout } = await exec(process.execPath, [tsc, '-p', join(consumer, 'tsconfig.json')]).catch((e: { stdout: string }) => ({ stdout: `FAILED\n${e.stdout}` }));
    expect(stdout).toBe('');
    for (const app of APPS) {
      expect(await readFile(join('test/fixtures/compat', app), 'utf8')).not.toMatch(/(as|:|<)\s*any\b/);
    }
  }, 120_000);

  for (const app of ['seed-vanilla.ts', 'seed-react.tsx'] as const) {
    it(`${app}: connects over WebSocket from the widget, converses, disconnects; no unhandled rejection`, async () => {
      const { result } = await runApp(app, '...');
      expect(result.error).toBeUndefined();
      expect(result.unhandled).toEqual([]);
      expect(result.report).toMatchObject({
        micBeforeConnect: 'true',
        stateAfterConnect: expect.stringMatching(/^(connected|listening|thinking|speaking)$/),
        transport: 'WebSocket: chosen by the app',
        stateAfterDisconnect: 'disconnected',
      });
      expect(result.report['log']).toEqual([
        ['user', 'hello'],
        ['bot-llm-text', 'You said: hello'],
      ]);
    }, 90_000);
  }

  it('seed-mic-off.ts: startWithAudioOn false keeps the mic muted through connect', async () => {
    const { result } = await runApp('seed-mic-off.ts', '...');
    expect(result.error).toBeUndefined();
    expect(result.unhandled).toEqual([]);
    expect(result.report).toMatchObject({ micBeforeConnect: 'false', micAfterConnect: 'false', stateAfterDisconnect: 'disconnected' });
  }, 90_000);

  it('the harness reports an unhandled rejection (control)', async () => {
    const { result } = await runApp('control-unhandled.ts', '...');
    expect(result.unhandled).toEqual([expect.stringContaining('left unhandled on purpose')]);
  }, 90_000);

  it('a 1.2.0 text/voice app: sync sends, guards, getters, events, resetSession, widget handle', async () => {
    const { result } = await runApp('sdk-120-app.ts', '<YOUR_CONVAI_API_KEY>');
    expect(result.error).toBeUndefined();
    expect(result.unhandled).toEqual([]);
    const r = result.report;
    expect(r['beforeConnect']).toEqual({ connectionType: null, characterId: null, isBotReady: false, conversationSessionId: 0, chat: 0 });
    expect(r['connected']).toEqual({
      connectionType: 'audio', characterId: '<YOUR_CHARACTER_ID>', isBotReady: true,
      isAudioEnabled: false, isAudioMuted: true, audioLevel: 0, agentState: 'connected',
    });
    expect(r['afterTurn']).toMatchObject({
      conversationSessionId: 1,
      chat: [
        ['user', 'hello', false],
        ['bot-llm-text', 'You said: hello', false],
      ],
    });
    expect(r['resumed']).toBe(true);
    expect(r['afterReset']).toEqual({ chat: 0, connected: true });
    expect(r['newConversation']).toBe(true);
    expect(r['afterDisconnect']).toEqual({ connectionType: null, isBotReady: false, agentState: 'disconnected' });
    expect(r['widgetRemoved']).toBe(true);
    expect(r['widgetClient']).toBe(true);
    const seen = r['seen'] as { callbacks: string[]; errors: string[]; turns: unknown[]; messages: { type: string }[]; states: string[] };
    // six sends before connect and one after disconnect: each a NOT_CONNECTED error event, nothing thrown
    expect(seen.errors.filter((c) => c === 'NOT_CONNECTED')).toHaveLength(7);
    expect(seen.turns).toEqual([{ start: 1, userMessage: 'hello' }, { end: 1, duration: expect.any(Number) }]);
    expect(seen.messages.map((m) => m.type)).toContain('bot-llm-text');
    expect(seen.callbacks[0]).toBe('connect');
    expect(seen.callbacks).toContain('message:bot-llm-text');
    expect(seen.callbacks).toContain('disconnect');
    expect(seen.states).toContain('speaking');
    // the out-of-scope 1.2.0 fields: one warning naming them
    const ignored = result.warnings.filter((w) => w.includes('Ignoring'));
    expect(ignored).toHaveLength(1);
    for (const field of ['enableVideo', 'startWithVideoOn', 'enableLipsync', 'blendshapeConfig']) expect(ignored[0]).toContain(field);
  }, 90_000);
});
