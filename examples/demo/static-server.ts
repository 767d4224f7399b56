import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost, safeDecode } from '../backend/http-guards.js';

export interface StaticServerOptions {
  /** Directory to serve. */
  readonly root: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Answers for exact paths, served as JSON (e.g. `/demo-config.json`). */
  readonly json?: Readonly<Record<string, unknown>>;
  /** HTML for `/`. */
  readonly index?: string;
  /** Exact paths answered with a 302 to the given location. */
  readonly redirects?: Readonly<Record<string, string>>;
}

export interface StaticServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Every path requested, in order (a test can see whether a chunk was fetched). */
  readonly requests: string[];
  stop(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/** A small static file server on 127.0.0.1 for the built example pages. */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = resolve(options.root);
  const requests: string[] = [];

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer): void => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 is
    // same-origin with this server, and could read /demo-config.json (the API key, the
    // TURN password). It still sends its own name as Host: answer loopback names only.
    if (!isLoopbackHost(req.headers.host)) return send(res, 421, 'text/plain', 'misdirected request: use 127.0.0.1 or localhost');
    const path = safeDecode(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (path === undefined) return send(res, 400, 'text/plain', 'bad request');
    requests.push(path);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    if (options.json && path in options.json) return send(res, 200, TYPES['.json']!, JSON.stringify(options.json[path]));
    const location = options.redirects?.[path];
    if (location) {
      res.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': 0 });
      res.end();
      return;
    }
    if (path === '/' && options.index !== undefined) return send(res, 200, TYPES['.html']!, options.index);
    let file = normalize(join(root, path));
    // never serve outside the root (`..` in the URL)
    if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'text/plain', 'forbidden');
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file).catch(() => undefined);
    if (!body) return send(res, 404, 'text/plain', `not found: ${path}`);
    send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
