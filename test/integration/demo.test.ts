import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';

/**
 * `examples/demo.ts` as `npm run demo` runs it (minus the build step: dist/ must exist),
 * in a child process: the smoke mode, and Ctrl-C stopping everything it started.
 */

interface Run {
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  readonly signal: (s: NodeJS.Signals) => void;
  readonly waitFor: (text: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
}

function runDemo(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
    env: { ...process.env, DEMO_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const wake of [...waiters]) wake();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    output: () => output,
    exited,
    signal: (s) => child.kill(s),
    waitFor: (text, timeoutMs = 25_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = output.match(text);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          child.kill('SIGKILL');
          reject(new Error(`demo never printed ${text}; output:\n${output}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => {
          if (waiters.has(check)) {
            cleanup();
            reject(new Error(`demo exited before printing ${text}; output:\n${output}`));
          }
        });
        check();
      }),
  };
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return false;
  } catch {
    return true;
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm run demo', () => {
  it('DEMO_SMOKE=1: starts everything, checks each page and /health, stops, exits 0', async () => {
    const run = runDemo({ DEMO_SMOKE: '1' });
    const code = await run.exited;
    const out = run.output();
    expect(code, out).toBe(0);
    expect(out).toMatch(/vanilla\s+http:\/\/127\.0\.0\.1:\d+\/vanilla\//);
    expect(out).toMatch(/react\s+http:\/\/127\.0\.0\.1:\d+\/react\//);
    expect(out).toContain('?simulate=udp-blocked');
    expect(out).toContain('--webrtc-ip-handling-policy=disable_non_proxied_udp');
    expect(out).toMatch(/\[smoke\] ok {3}http:\/\/127\.0\.0\.1:\d+\/health/);
    expect(out).toContain('[smoke] all checks passed');
    expect(out).not.toContain('FAIL');
  });

  it('Ctrl-C stops the page server, the backend and coturn; the API key never reaches the terminal', async () => {
    const run = runDemo({});
    const [, pages] = await run.waitFor(/Examples\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    const [, backend] = await run.waitFor(/Backend\s+(http:\/\/127\.0\.0\.1:\d+)/);
    const [, turnPort] = await run.waitFor(/TURN\/STUN\s+127\.0\.0\.1:(\d+)/);
    await run.waitFor(/Ctrl-C stops everything/);
    expect(await tcpOpen(Number(turnPort))).toBe(true);
    const config = (await (await fetch(`${pages}/demo-config.json`)).json()) as { apiKey: string; backendUrl: string };
    expect(config.backendUrl).toBe(backend);
    expect((await fetch(`${backend}/health`)).status).toBe(200);
    expect(run.output()).not.toContain(config.apiKey);

    run.signal('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('Demo stopped');
    expect(await refused(`${pages}/`)).toBe(true);
    expect(await refused(`${backend}/health`)).toBe(true);
    // coturn listens on TCP too: nothing may accept there any more
    expect(await tcpOpen(Number(turnPort))).toBe(false);
  });
});
