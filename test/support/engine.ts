import type { Netns } from './netns.js';

/**
 * One small interface over the three browser engines the e2e tests drive: Chromium
 * (playwright-core), Firefox (puppeteer-core over WebDriver BiDi) and WebKitGTK (MiniBrowser
 * through WebKitWebDriver). Only what the shared test pages need: load a URL, run a function
 * in the page with a JSON argument and get its JSON result back.
 */
export type EngineName = 'chromium' | 'firefox' | 'webkit';

export interface EnginePage {
  goto(url: string): Promise<void>;
  /**
   * Runs `fn(arg)` in the page and resolves with its result (awaited if a promise). `fn` is sent
   * as source text, as in Playwright: it must not close over anything from the test file.
   */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Polls `fn()` in the page until it returns truthy. */
  waitFor(fn: () => unknown, timeoutMs?: number): Promise<void>;
  /** Writes a PNG screenshot of the viewport to `path`. */
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

export interface Engine {
  readonly name: EngineName;
  /** Browser version as the engine reports it, e.g. `firefox/153.8.0`. */
  readonly version: string;
  newPage(): Promise<EnginePage>;
  close(): Promise<void>;
}

export interface EngineOptions {
  /** Run the browser inside this network namespace (root; test/support/netns.ts). */
  readonly netns?: Netns;
  /**
   * Origins to treat as secure contexts though they are plain http on a non-loopback address
   * (a page served on the namespace's root-side IP): getUserMedia and AudioWorklet need one.
   */
  readonly secureOrigins?: readonly string[];
}

export async function launchEngine(name: EngineName, options: EngineOptions = {}): Promise<Engine> {
  switch (name) {
    case 'chromium':
      return (await import('./engine-chromium.js')).launchChromiumEngine(options);
    case 'firefox':
      return (await import('./firefox.js')).launchFirefox(options);
    case 'webkit':
      return (await import('./webkit.js')).launchWebKit(options);
  }
}

/** Polls in Node; shared by the adapters whose protocol has no wait of its own. */
export async function pollPage(check: () => Promise<unknown>, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const onExit = new Set<() => void>();
/**
 * Registers a synchronous last-resort kill for a browser process tree, run when the test process
 * exits without closing it (a crashed or interrupted run). Returns the unregister function.
 */
export function killOnExit(kill: () => void): () => void {
  if (onExit.size === 0) process.once('exit', () => onExit.forEach((k) => k()));
  onExit.add(kill);
  return () => onExit.delete(kill);
}
