import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { killOnExit, type Engine, type EngineOptions, type EnginePage } from './engine.js';
import { firefoxPrefs, userJs } from './firefox-prefs.js';

export const FIREFOX_PATH = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';

/** The line Firefox's remote agent prints once its WebDriver BiDi server listens. */
const LISTENING = /WebDriver BiDi listening on (ws:\/\/[^\s]+)/;

/**
 * Debian's firefox-esr driven over WebDriver BiDi by puppeteer-core (no patched browser).
 * We start Firefox ourselves rather than through `puppeteer.launch` so the same code runs it
 * in a network namespace: there its remote agent listens on the namespace's own loopback,
 * which the test process cannot reach, so a small forwarder inside the namespace exposes it
 * on the namespace's veth address (TCP, which the namespace's firewall lets through).
 */
export async function launchFirefox(options: EngineOptions = {}): Promise<Engine> {
  const ns = options.netns;
  const dir = await mkdtemp(join(tmpdir(), 'firefox-'));
  const profile = join(dir, 'profile');
  const hosts = (options.secureOrigins ?? []).map((o) => new URL(o).hostname);
  const prefs = {
    ...firefoxPrefs({ noProxyFor: ns ? [ns.rootIp, ns.nsIp] : [] }),
    ...(hosts.length > 0 ? { 'dom.securecontext.allowlist': hosts.join(',') } : {}),
  };
  await mkdir(profile);
  await writeFile(join(profile, 'user.js'), userJs(prefs));
  const args = ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port', '0'];
  // MOZ_REMOTE_SETTINGS_DEVTOOLS: release builds ignore `services.settings.server` without it
  const env = { ...process.env, HOME: dir, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_HEADLESS: '1', MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' };
  const child = ns
    ? ns.spawn(FIREFOX_PATH, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(FIREFOX_PATH, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let forwarder: ChildProcess | undefined;
  const unregister = killOnExit(() => {
    forwarder?.kill('SIGKILL');
    child.kill('SIGKILL');
  });
  const kill = async (): Promise<void> => {
    unregister();
    forwarder?.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    let endpoint = await waitForEndpoint(child);
    let headers: Record<string, string> = {};
    if (ns) {
      const port = new URL(endpoint).port;
      forwarder = ns.spawn(process.execPath, ['-e', FORWARDER, ns.nsIp, port], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        forwarder!.stdout!.once('data', () => resolve());
        forwarder!.once('exit', (code) => reject(new Error(`BiDi forwarder exited (${code})`)));
      });
      endpoint = `ws://${ns.nsIp}:${port}`;
      // the remote agent answers only for the names it listens on (localhost, 127.0.0.1)
      headers = { Host: `127.0.0.1:${port}` };
    }
    const browser = await puppeteer.connect({ browserWSEndpoint: `${endpoint}/session`, protocol: 'webDriverBiDi', wsOptions: { headers } });
    return {
      name: 'firefox',
      version: await browser.version(),
      newPage: async () => wrap(await browser.newPage()),
      close: async () => {
        await closeBrowser(browser);
        await kill();
      },
    };
  } catch (error) {
    await kill();
    throw error;
  }
}

function waitForEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) {
        child.stderr!.off('data', onData);
        // keep draining, or Firefox blocks on a full pipe
        child.stderr!.resume();
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    const timer = setTimeout(() => reject(new Error(`Firefox did not start its BiDi server in 30 s:\n${output.slice(-2000)}`)), 30_000);
    child.stderr!.on('data', onData);
    child.stdout!.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Firefox exited (${code}) before its BiDi server listened:\n${output.slice(-2000)}`));
    });
  });
}

async function closeBrowser(browser: Browser): Promise<void> {
  await Promise.race([browser.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
}

/** Runs inside the namespace: nsIp:port -> 127.0.0.1:port (the remote agent). */
const FORWARDER = `
const net = require('node:net');
const [host, port] = process.argv.slice(1);
net.createServer((s) => {
  const c = net.connect(Number(port), '127.0.0.1');
  s.pipe(c).pipe(s);
  s.on('error', () => c.destroy());
  c.on('error', () => s.destroy());
}).listen(Number(port), host, () => process.stdout.write('ready\\n'));
`;

function wrap(page: Page): EnginePage {
  return {
    goto: async (url) => {
      await page.goto(url);
    },
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    waitFor: async (fn, timeoutMs = 10_000) => {
      await page.waitForFunction(fn, { timeout: timeoutMs, polling: 50 });
    },
    screenshot: async (path) => {
      await page.screenshot({ path: path as `${string}.png` });
    },
    close: () => page.close(),
  };
}
