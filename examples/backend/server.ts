import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { refuseUpgrade, sameSecret } from './http-guards.js';

/** What `/connect` hands a service so it can build its part of the answer. */
export interface ConnectContext {
  /** `http://127.0.0.1:PORT` */
  readonly httpBase: string;
  /** `ws://127.0.0.1:PORT` */
  readonly wsBase: string;
  readonly characterId: string;
  readonly characterSessionId: string;
  readonly endUserId: string | undefined;
}

/**
 * A piece of the local backend: the Pipecat bot, the LiveKit room. Each owns its
 * URL paths and adds its fields to the `/connect` answer for its transport.
 */
export interface BackendService {
  readonly name: string;
  readonly transport?: 'livekit' | 'websocket';
  connectFields?(ctx: ConnectContext): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Returns true when it took the upgrade. */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Returns true when it answered the request. */
  handleRequest?(req: IncomingMessage, res: ServerResponse): boolean;
  close(): Promise<void>;
}

export interface BackendOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** The `x-api-key` the `/connect` API accepts. */
  readonly apiKey: string;
  /**
   * ICE servers to return in `/connect` as `ice_servers`. Not Convai's shape: Convai's
   * `/connect` carries none, and a LiveKit server hands out its TURN servers only in the
   * signalling join (the local LiveKit room does). Off by default; for tests of apps or
   * backends that do send them.
   */
  readonly connectIceServers?: readonly Record<string, unknown>[];
  /**
   * The `host:port` the `/connect` answer sends clients to (the LiveKit signalling and
   * WebSocket URLs), read at every request: a proxy in front of the backend, such as the
   * verdict matrix's delaying relay. @default the backend's own address
   */
  readonly advertisedHostPort?: string;
  readonly services?: readonly BackendService[];
  /** Hook for fault injection: may answer `/connect` itself (return true). */
  readonly interceptConnect?: (req: IncomingMessage, res: ServerResponse, attempt: number) => boolean | Promise<boolean>;
  /** Called for every log line (never contains the API key or tokens). */
  readonly log?: (line: string) => void;
}

export interface Backend {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Number of `/connect` requests answered, by transport. */
  readonly connectCount: { livekit: number; websocket: number; rejected: number };
  stop(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'access-control-allow-origin': '*',
  });
  res.end(text);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) throw new BodyTooLarge();
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Validates the `/connect` body; returns the first bad field, or the parsed body. */
export function validateConnectBody(
  body: unknown,
): { ok: true; value: { character_id: string; transport: 'livekit' | 'websocket'; character_session_id?: string; end_user_id?: string } } | { ok: false; field: string; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, field: 'body', message: 'body must be a JSON object' };
  }
  const b = body as Record<string, unknown>;
  if (typeof b['character_id'] !== 'string' || b['character_id'].length === 0) {
    return { ok: false, field: 'character_id', message: '`character_id` is required and must be a non-empty string' };
  }
  if (b['transport'] !== 'livekit' && b['transport'] !== 'websocket') {
    return { ok: false, field: 'transport', message: "`transport` must be 'livekit' or 'websocket'" };
  }
  for (const field of ['character_session_id', 'end_user_id', 'connection_type'] as const) {
    if (b[field] !== undefined && typeof b[field] !== 'string') {
      return { ok: false, field, message: `\`${field}\` must be a string` };
    }
  }
  if (b['default_tts_enabled'] !== undefined && typeof b['default_tts_enabled'] !== 'boolean') {
    return { ok: false, field: 'default_tts_enabled', message: '`default_tts_enabled` must be a boolean' };
  }
  return { ok: true, value: b as never };
}

/**
 * The local backend: the `/connect` API plus whatever services are plugged in.
 * Listens on loopback only; starts in a few milliseconds.
 */
export async function startBackend(options: BackendOptions): Promise<Backend> {
  const host = options.host ?? '127.0.0.1';
  const services = options.services ?? [];
  const log = options.log ?? (() => {});
  const connectCount = { livekit: 0, websocket: 0, rejected: 0 };
  let attempts = 0;
  let port = 0;

  const handleConnect = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    attempts += 1;
    if (options.interceptConnect && (await options.interceptConnect(req, res, attempts))) return;
    if (!sameSecret(req.headers['x-api-key'], options.apiKey)) {
      connectCount.rejected += 1;
      sendJson(res, 401, { message: 'Invalid API key: check the `x-api-key` header.' });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readBody(req));
    } catch (error) {
      connectCount.rejected += 1;
      if (error instanceof BodyTooLarge) {
        sendJson(res, 413, { message: `body: larger than ${MAX_BODY} bytes`, field: 'body' });
        // the rest of the body is not read: close rather than leave it in the pipe
        res.once('finish', () => req.socket.destroy());
        return;
      }
      sendJson(res, 400, { message: 'body: not valid JSON', field: 'body' });
      return;
    }
    const checked = validateConnectBody(parsed);
    if (!checked.ok) {
      connectCount.rejected += 1;
      sendJson(res, 400, { message: checked.message, field: checked.field });
      return;
    }
    const { transport, character_id, character_session_id, end_user_id } = checked.value;
    const service = services.find((s) => s.transport === transport);
    if (!service?.connectFields) {
      connectCount.rejected += 1;
      sendJson(res, 501, { message: `transport '${transport}' is not served by this backend` });
      return;
    }
    const hostPort = options.advertisedHostPort ?? `${host}:${port}`;
    const ctx: ConnectContext = {
      httpBase: `http://${hostPort}`,
      wsBase: `ws://${hostPort}`,
      characterId: character_id,
      characterSessionId: character_session_id ?? randomUUID(),
      endUserId: end_user_id,
    };
    const fields = await service.connectFields(ctx);
    connectCount[transport] += 1;
    log(`/connect ${transport} session=${ctx.characterSessionId}`);
    sendJson(res, 200, {
      character_session_id: ctx.characterSessionId,
      transport,
      ...(options.connectIceServers ? { ice_servers: options.connectIceServers } : {}),
      ...fields,
    });
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'content-type, x-api-key',
        'access-control-allow-methods': 'POST, GET, OPTIONS',
      });
      res.end();
      return;
    }
    if (path === '/connect' && req.method === 'POST') {
      handleConnect(req, res).catch((error: unknown) => {
        log(`/connect failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) sendJson(res, 500, { message: 'internal error' });
        else res.destroy();
      });
      return;
    }
    if (path === '/health') {
      sendJson(res, 200, { ok: true, services: services.map((s) => s.name) });
      return;
    }
    for (const service of services) {
      if (service.handleRequest?.(req, res)) return;
    }
    sendJson(res, 404, { message: `no route for ${req.method} ${path}` });
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      for (const service of services) {
        if (service.handleUpgrade?.(req, socket, head)) return;
      }
    } catch (error) {
      // a service that throws on a hostile request must not take the whole backend down
      log(`upgrade ${(req.url ?? '').slice(0, 100)} refused: ${error instanceof Error ? error.message : String(error)}`);
      refuseUpgrade(socket, 400, 'Bad Request');
      return;
    }
    refuseUpgrade(socket, 404, 'Not Found');
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    port,
    host,
    connectCount,
    stop: async () => {
      await Promise.all(services.map((s) => s.close().catch(() => undefined)));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
