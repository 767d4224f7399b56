import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestSession } from '../../src/client/backend.js';
import { resolveConfig } from '../../src/client/config.js';
import { isBackendError, type BackendError } from '../../src/errors/backend-error.js';
import { isAbortedError } from '../../src/errors/aborted-error.js';
import { freePort } from '../support/ports.js';
import { inspect } from 'node:util';
import { isConfigError, type ConfigError } from '../../src/errors/config-error.js';

const API_KEY = 'sk-test-secret-abcdef';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, attempt: number) => void;

let server: Server | undefined;

async function serve(handler: Handler): Promise<{ url: string; requests: { headers: IncomingMessage['headers']; body: string }[] }> {
  const requests: { headers: IncomingMessage['headers']; body: string }[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      handler(req, res, body, requests.length);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function config(url: string, extra: Record<string, unknown> = {}) {
  return resolveConfig({ apiKey: API_KEY, characterId: 'char-9', url, requestTimeoutMs: 500, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<BackendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isBackendError(error)).toBe(true);
  expect(String((error as Error).message)).not.toContain(API_KEY);
  return error as BackendError;
}

describe('POST /connect against a real HTTP server', () => {
  it('sends the documented request and parses a LiveKit answer', async () => {
    const { url, requests } = await serve((_req, res) =>
      json(res, 200, { room_url: 'ws://127.0.0.1:1', token: 'tok', character_session_id: 'sess-1', ice_servers: [{ urls: 'stun:127.0.0.1:1' }] }),
    );
    const session = await requestSession(config(url, { endUserId: 'u1' }), 'livekit');
    expect(session).toEqual({
      characterSessionId: 'sess-1',
      iceServers: [{ urls: 'stun:127.0.0.1:1' }],
      target: { transport: 'livekit', roomUrl: 'ws://127.0.0.1:1', token: 'tok' },
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers['x-api-key']).toBe(API_KEY);
    expect(JSON.parse(requests[0]!.body)).toEqual({
      character_id: 'char-9',
      transport: 'livekit',
      connection_type: 'audio',
      default_tts_enabled: true,
      end_user_id: 'u1',
    });
  });

  it('parses a WebSocket answer and resumes a session id', async () => {
    const { url, requests } = await serve((_req, res) => json(res, 200, { ws_url: 'ws://127.0.0.1:2/ws', character_session_id: 's' }));
    const session = await requestSession(config(url), 'websocket', { characterSessionId: 'resume-me' });
    expect(session.target).toEqual({ transport: 'websocket', wsUrl: 'ws://127.0.0.1:2/ws' });
    expect(JSON.parse(requests[0]!.body).character_session_id).toBe('resume-me');
  });

  it("Convai's WebSocket answer is not documented: the URL's field names are configurable", async () => {
    const { url } = await serve((_req, res) => json(res, 200, { socket: { url: 'nested' }, socket_url: 'ws://127.0.0.1:4/ws' }));
    const defaults = await failure(requestSession(config(url), 'websocket'));
    expect(defaults).toMatchObject({ code: 'BACKEND_BAD_RESPONSE' });
    expect(defaults.message).toContain('`ws_url` or `websocket_url`');
    const session = await requestSession(resolveConfig({ apiKey: API_KEY, characterId: 'c', url, websocketUrlFields: ['socket_url'] }), 'websocket');
    expect(session.target).toEqual({ transport: 'websocket', wsUrl: 'ws://127.0.0.1:4/ws' });
    expect(() => resolveConfig({ apiKey: API_KEY, characterId: 'c', websocketUrlFields: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', field: 'websocketUrlFields' }),
    );
  });

  it('surfaces a 4xx message and does not retry it', async () => {
    const { url, requests } = await serve((_req, res) => json(res, 401, { message: `bad key ${API_KEY}` }));
    const error = await failure(requestSession(config(url), 'livekit'));
    expect(error.code).toBe('BACKEND_REJECTED');
    expect(error.status).toBe(401);
    expect(error.message).toContain('bad key [redacted]');
    expect(requests).toHaveLength(1);
  });

  it('retries a 5xx, then succeeds', async () => {
    const { url, requests } = await serve((_req, res, _b, attempt) =>
      attempt < 3 ? json(res, 503, { message: 'busy' }) : json(res, 200, { ws_url: 'ws://127.0.0.1:3/ws' }),
    );
    const session = await requestSession(config(url, { backendRetries: 2 }), 'websocket');
    expect(session.target).toEqual({ transport: 'websocket', wsUrl: 'ws://127.0.0.1:3/ws' });
    expect(requests).toHaveLength(3);
  });

  it('gives up on 5xx after the configured retries', async () => {
    const { url, requests } = await serve((_req, res) => json(res, 500, 'plain failure'));
    const error = await failure(requestSession(config(url, { backendRetries: 1 }), 'websocket'));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.status).toBe(500);
    expect(requests).toHaveLength(2);
  });

  it('times out a hanging request, retrying it', async () => {
    const { url, requests } = await serve(() => {
      /* never answers */
    });
    const error = await failure(requestSession(config(url, { requestTimeoutMs: 100, backendRetries: 1 }), 'livekit'));
    expect(error.code).toBe('BACKEND_TIMEOUT');
    expect(requests).toHaveLength(2);
  });

  it('aborts at once, without retrying', async () => {
    const { url, requests } = await serve(() => {});
    const controller = new AbortController();
    const pending = requestSession(config(url, { requestTimeoutMs: 60_000 }), 'livekit', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(isAbortedError(error)).toBe(true);
    expect(requests).toHaveLength(1);
  });

  it('rejects malformed JSON without retrying', async () => {
    const { url, requests } = await serve((_req, res) => json(res, 200, '{"room_url": '));
    const error = await failure(requestSession(config(url), 'livekit'));
    expect(error.code).toBe('BACKEND_BAD_RESPONSE');
    expect(requests).toHaveLength(1);
  });

  it.each([
    [{ token: 't' }, 'room_url'],
    [{ room_url: 'ws://x' }, 'token'],
  ])('names the missing field of %j', async (body, field) => {
    const { url } = await serve((_req, res) => json(res, 200, body));
    const error = await failure(requestSession(config(url), 'livekit'));
    expect(error.code).toBe('BACKEND_BAD_RESPONSE');
    expect(error.message).toContain(field);
  });

  it('reports a refused connection as unavailable', async () => {
    const port = await freePort();
    const error = await failure(
      requestSession(config(`http://127.0.0.1:${port}`, { backendRetries: 1 }), 'livekit'),
    );
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
  });
});

describe('POST /connect: credentials stay out of errors, bad ICE servers are dropped', () => {
  it('never attaches an unredacted cause to a network failure', async () => {
    const failing: typeof fetch = () =>
      Promise.reject(new TypeError('fetch failed', { cause: new Error(`connect ECONNREFUSED while sending x-api-key: ${API_KEY}`) }));
    const error = await failure(requestSession(config('http://127.0.0.1:9', { backendRetries: 0 }), 'livekit', { fetch: failing }));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    const printed = inspect(error, { depth: 10 });
    expect(printed).toContain('ECONNREFUSED');
    expect(printed).not.toContain(API_KEY);
  });

  it('refuses a key fetch would reject, before any request, and does not retry it', async () => {
    let calls = 0;
    const counting: typeof fetch = (...args) => {
      calls += 1;
      return fetch(...args);
    };
    const raw = { ...config('http://127.0.0.1:9', { backendRetries: 2 }), apiKey: 'sk-SECRET-key\nX: 1' };
    const error = await requestSession(raw, 'livekit', { fetch: counting }).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect((error as ConfigError).field).toBe('apiKey');
    expect(inspect(error, { depth: 10 })).not.toContain('SECRET');
    expect(calls).toBe(0);
  });

  it('drops malformed ice_servers entries with a warning and keeps the good ones', async () => {
    const { url } = await serve((_req, res) =>
      json(res, 200, {
        room_url: 'ws://127.0.0.1:1',
        token: 'tok',
        ice_servers: [
          { urls: 'turn:127.0.0.1:3478', username: 'u' },
          { urls: 42 },
          'stun:127.0.0.1:2',
          { urls: 'turn:alice:BACKEND-SECRET@127.0.0.1:3478', username: 'alice', credential: 'BACKEND-SECRET' },
          { urls: 'turn:127.0.0.1:99999?transport=udp', username: 'u', credential: 'BACKEND-SECRET' },
          { urls: 'stun:127.0.0.1:1' },
          { urls: ['turn:127.0.0.1:3478?transport=tcp'], username: 'u', credential: 'BACKEND-SECRET' },
        ],
      }),
    );
    const warnings: string[] = [];
    const session = await requestSession(config(url), 'livekit', { onWarning: (w) => warnings.push(w) });
    expect(session.iceServers).toEqual([
      { urls: 'stun:127.0.0.1:1' },
      { urls: ['turn:127.0.0.1:3478?transport=tcp'], username: 'u', credential: 'BACKEND-SECRET' },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ice_servers\[0\].*ice_servers\[1\].*ice_servers\[2\].*ice_servers\[3\].*ice_servers\[4\]/s);
    expect(warnings[0]).not.toContain('BACKEND-SECRET');
  });

  it('keeps going with no ICE servers when every entry is bad', async () => {
    const { url } = await serve((_req, res) => json(res, 200, { room_url: 'ws://127.0.0.1:1', token: 'tok', ice_servers: [{ urls: 'turn:127.0.0.1' }] }));
    const session = await requestSession(config(url), 'livekit', { onWarning: () => undefined });
    expect(session.iceServers).toBeUndefined();
  });
});
