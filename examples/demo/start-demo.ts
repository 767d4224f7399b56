import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../backend/ports.js';
import type { DemoConfig } from '../shared/page-config.js';
import { startDemoStack, type DemoStack } from './stack.js';
import { buildPages, type PageName } from './build-pages.js';
import { startStaticServer, type StaticServer } from './static-server.js';
import { DIAGNOSTICS_LOCAL, demoIndexHtml } from './demo-text.js';

export interface DemoOptions {
  /** Port of the page server. @default 0 (a free port) */
  readonly port?: number;
  /** See `DemoStackOptions.turn`. @default 'auto' */
  readonly turn?: boolean | 'auto';
  /** @default every example page that exists */
  readonly pages?: readonly PageName[];
  readonly log?: (line: string) => void;
}

export interface Demo {
  readonly stack: DemoStack;
  readonly server: StaticServer;
  /** Pages that were built, each with its URL. */
  readonly pages: readonly { readonly name: PageName; readonly url: string }[];
  /** The loopback UDP port `?simulate=udp-blocked` points the probe at (nothing listens there). */
  readonly deadUdpPort: number;
  stop(): Promise<void>;
}

/**
 * Everything `npm run demo` runs, as a function (the tests call it too): the local
 * stack, the example pages built with Vite, and a page server on 127.0.0.1 that also
 * serves `/demo-config.json` (backend URL and the run's throwaway API key, so neither
 * has to appear in a URL or in the terminal).
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? (() => {});
  const outDir = await mkdtemp(join(tmpdir(), 'convai-demo-'));
  let stack: DemoStack | undefined;
  let server: StaticServer | undefined;
  const stop = async (): Promise<void> => {
    await server?.stop().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    await rm(outDir, { recursive: true, force: true });
  };
  try {
    stack = await startDemoStack({ turn: options.turn ?? 'auto', log });
    const built = await buildPages({ outDir, ...(options.pages ? { pages: options.pages } : {}) });
    const deadUdpPort = await freePort();
    const turn = stack.turn;
    const config: DemoConfig = {
      backendUrl: stack.backend.url,
      apiKey: stack.apiKey,
      characterId: 'demo-character',
      deadUdpPort,
      ...(turn
        ? { iceServers: [{ urls: [turn.stunUrl, turn.turnUdpUrl, turn.turnTcpUrl], username: turn.username, credential: turn.password }] }
        : { iceTransportPolicy: 'all' as const }),
    };
    server = await startStaticServer({
      root: outDir,
      port: options.port ?? 0,
      json: { '/demo-config.json': config },
      index: demoIndexHtml(built, Boolean(turn)),
      // The diagnostics page reads the local coturn, with its credential, from
      // /demo-config.json: neither the terminal nor any URL ever shows the password.
      ...(turn && built.includes('diagnostics') ? { redirects: { [DIAGNOSTICS_LOCAL]: '/diagnostics/?run=1' } } : {}),
    });
    const base = server.url;
    return { stack, server, pages: built.map((name) => ({ name, url: `${base}/${name}/` })), deadUdpPort, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
