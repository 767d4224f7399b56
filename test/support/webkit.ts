import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { killOnExit, pollPage, type Engine, type EngineOptions, type EnginePage } from './engine.js';

export const WEBKIT_DRIVER = process.env['WEBKIT_DRIVER'] ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env['MINIBROWSER'] ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/**
 * WebKitGTK: Debian's MiniBrowser driven by WebKitWebDriver (package `webkit2gtk-driver`)
 * over classic WebDriver, under `xvfb-run` (MiniBrowser needs an X display). Its default
 * settings have no WebRTC (`RTCPeerConnection` is undefined), like a restricted webview; mock
 * capture devices stand in for a mic. One page at a time: `newPage` reuses the session's
 * window. The WebDriver calls are plain HTTP to the driver on 127.0.0.1.
 */
export async function launchWebKit(options: EngineOptions = {}): Promise<Engine> {
  if (options.netns) throw new Error('launchWebKit: running WebKitGTK in a network namespace is not supported');
  const dir = await mkdtemp(join(tmpdir(), 'webkit-'));
  const port = await freePort();
  // -a: a free display number; the driver (and so MiniBrowser) inherit its DISPLAY
  const child = spawn('xvfb-run', ['-a', '-s', '-screen 0 1024x768x24', WEBKIT_DRIVER, `--port=${port}`, '--host=local'], {
    env: { ...process.env, HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), XDG_DATA_HOME: join(dir, 'data') },
    stdio: ['ignore', 'ignore', 'pipe'],
    // its own process group, so close() ends xvfb-run, Xvfb, the driver and the browser together
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const unregister = killOnExit(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  const kill = async (): Promise<void> => {
    unregister();
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 3_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await pollPage(async () => fetch(`${base}/status`).then((r) => r.ok).catch(() => false), 20_000, () => `WebKitWebDriver to answer (its stderr: ${stderr})`);
    const created = await call<{ sessionId: string; capabilities: { browserVersion?: string } }>(base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': {
            binary: MINIBROWSER,
            args: [
              '--automation',
              '--enable-mock-capture-devices=true',
              '--enable-media-stream=true',
              '--autoplay-policy=allow',
              '--media-playback-requires-user-gesture=false',
              '--enable-dns-prefetching=false',
              '--enable-hyperlink-auditing=false',
              // No dead loopback proxy here, unlike Firefox: with any proxy set, WebKitGTK 2.50
              // stops treating 127.0.0.1 as a secure context (no mediaDevices, no AudioWorklet).
              // MiniBrowser runs no background services; the README says how this was checked.
            ],
          },
        },
      },
    });
    const session = `/session/${created.sessionId}`;
    await call(base, 'POST', `${session}/timeouts`, { script: 120_000, pageLoad: 30_000 });
    return {
      name: 'webkit',
      version: `webkitgtk/${created.capabilities.browserVersion ?? 'unknown'}`,
      // the session's one window is reused: a new page replaces the previous one
      newPage: async () => wrap(base, session),
      close: async () => {
        await call(base, 'DELETE', session).catch(() => undefined);
        await kill();
      },
    };
  } catch (error) {
    await kill();
    throw error;
  }
}

async function call<T = unknown>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as { value: T & { error?: string; message?: string } };
  if (!response.ok || json.value?.error) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error} ${json.value?.message ?? ''}`);
  return json.value;
}

function wrap(base: string, session: string): EnginePage {
  // WebDriver's async script gets a callback as its last argument; we wrap `fn` so its
  // result or its exception both come back through it
  const evaluate = async <A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> => {
    const script =
      'const done = arguments[arguments.length - 1];' +
      `Promise.resolve().then(() => (${fn.toString()})(arguments[0]))` +
      '.then((v) => done({ ok: true, v: v === undefined ? null : v }), (e) => done({ ok: false, e: String(e) + " " + String(e && e.stack) }));';
    const out = await call<{ ok: boolean; v?: R; e?: string }>(base, 'POST', `${session}/execute/async`, { script, args: [arg] });
    if (!out.ok) throw new Error(`in page: ${out.e}`);
    return out.v as R;
  };
  return {
    goto: async (url) => {
      await call(base, 'POST', `${session}/url`, { url });
    },
    evaluate,
    waitFor: (fn, timeoutMs = 10_000) => pollPage(() => evaluate(fn, undefined), timeoutMs, fn.toString()),
    screenshot: async (path) => {
      const png = await call<string>(base, 'GET', `${session}/screenshot`);
      await writeFile(path, Buffer.from(png, 'base64'));
    },
    close: async () => {
      await call(base, 'POST', `${session}/url`, { url: 'about:blank' }).catch(() => undefined);
    },
  };
}
