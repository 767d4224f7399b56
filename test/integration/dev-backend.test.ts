import { request } from 'node:http';
import { connect } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBackend, type Backend } from '../../examples/backend/server.js';
import { createPipecatBot, type PipecatBot } from '../../examples/backend/pipecat-bot.js';
import { startStaticServer, type StaticServer } from '../../examples/demo/static-server.js';
import { startCoturn, type Coturn } from '../support/coturn.js';

// The dev backend (examples/backend) is reachable by any page on this machine: it must not
// die on bad input, and its WebSocket sessions must not be open to anyone who learns the port.

const API_KEY = 'dev-backend-key-0123456789';
let backend: Backend;
let bot: PipecatBot;

beforeAll(async () => {
  bot = createPipecatBot({ toneMs: 60 });
  backend = await startBackend({ apiKey: API_KEY, services: [bot] });
});
afterAll(async () => {
  await backend?.stop();
});

/** A raw HTTP/1.1 request over TCP; resolves with the status line (or '' if the socket died). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(text));
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', () => resolve(''));
    setTimeout(() => socket.destroy(), 2_000);
  });
}

async function connectWs(): Promise<{ ws_url: string; character_session_id: string }> {
  const res = await fetch(`${backend.url}/connect`, {
    method: 'POST',
    headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ character_id: 'c1', transport: 'websocket' }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { ws_url: string; character_session_id: string };
}

/** Opens a socket; resolves with 'open' or the HTTP status of a refused upgrade. */
function tryWs(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(String(res.statusCode));
      ws.terminate();
    });
    ws.once('error', () => resolve('error'));
  });
}

describe('dev backend: bad input', () => {
  it('survives a malformed percent-escape in an upgrade path (it used to die on a URIError)', async () => {
    const status = await raw(backend.port, `GET /ws/%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    expect(status).toMatch(/^HTTP\/1\.1 400/);
    const health = await fetch(`${backend.url}/health`);
    expect(health.status).toBe(200);
  });

  it('answers an oversized /connect body with 413', async () => {
    const res = await fetch(`${backend.url}/connect`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ character_id: 'x'.repeat(200 * 1024), transport: 'websocket' }),
    });
    expect(res.status).toBe(413);
  });

  it('refuses a wrong key of any length', async () => {
    for (const key of ['', 'x', `${API_KEY}x`, API_KEY.slice(0, -1)]) {
      const res = await fetch(`${backend.url}/connect`, { method: 'POST', headers: { 'x-api-key': key }, body: '{}' });
      expect(res.status, key).toBe(401);
    }
  });
});

describe('dev backend: /ws/<id> needs what /connect issued', () => {
  it('the ws_url from /connect opens; the bare path, a wrong token and a foreign Origin do not', async () => {
    const { ws_url, character_session_id } = await connectWs();
    const bare = `ws://127.0.0.1:${backend.port}/ws/${character_session_id}`;
    expect(await tryWs(bare)).toBe('401');
    expect(await tryWs(`${bare}?token=forged-token`)).toBe('401');
    expect(await tryWs(ws_url, { origin: 'http://evil.example' })).toBe('403');
    expect(await tryWs(ws_url, { origin: 'http://127.0.0.1:5173' })).toBe('open');
  });

  it('a token opens one socket only, for its own session', async () => {
    const a = await connectWs();
    const b = await connectWs();
    const tokenOfA = new URL(a.ws_url).searchParams.get('token')!;
    expect(await tryWs(`ws://127.0.0.1:${backend.port}/ws/${b.character_session_id}?token=${tokenOfA}`)).toBe('401');
    expect(await tryWs(a.ws_url)).toBe('open');
    expect(await tryWs(a.ws_url)).toBe('401');
  });
});

describe('dev backend: advertisedHostPort (a proxy in front of it)', () => {
  it('sends clients to the advertised address, read at every /connect, and to its own without it', async () => {
    const state: { advertised: string | undefined } = { advertised: '127.0.0.1:1' };
    const proxied = await startBackend({
      apiKey: API_KEY,
      services: [createPipecatBot()],
      get advertisedHostPort() {
        return state.advertised;
      },
    });
    try {
      const ask = async (): Promise<string> => {
        const res = await fetch(`${proxied.url}/connect`, {
          method: 'POST',
          headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({ character_id: 'c1', transport: 'websocket' }),
        });
        expect(res.status).toBe(200);
        return ((await res.json()) as { ws_url: string }).ws_url;
      };
      expect(await ask()).toMatch(/^ws:\/\/127\.0\.0\.1:1\/ws\//);
      state.advertised = undefined;
      expect(await ask()).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${proxied.port}/ws/`));
    } finally {
      await proxied.stop();
    }
  });
});

describe('demo static server: Host header (DNS rebinding)', () => {
  let server: StaticServer;
  beforeAll(async () => {
    server = await startStaticServer({ root: 'examples', json: { '/demo-config.json': { apiKey: 'STATIC-SECRET' } } });
  });
  afterAll(async () => server?.stop());

  const get = (host: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const url = new URL(server.url);
      const req = request({ host: '127.0.0.1', port: url.port, path: '/demo-config.json', headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it.each(['evil.example', 'evil.example:80', `attacker.test:${0}`])('refuses Host %s', async (host) => {
    expect(await get(host)).toBe(421);
  });

  it.each(['127.0.0.1', 'localhost', '[::1]'])('serves Host %s (with the port)', async (name) => {
    expect(await get(`${name}:${new URL(server.url).port}`)).toBe(200);
  });
});

describe('coturn launcher: the password stays off the command line', () => {
  let turn: Coturn;
  beforeAll(async () => {
    turn = await startCoturn({ password: 'COTURN-SECRET-pw' });
  });
  afterAll(async () => turn?.stop());

  it('is not in the process arguments, and its config file is private (0600)', async () => {
    expect(turn.pid).toBeGreaterThan(0);
    const cmdline = await readFile(`/proc/${turn.pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('turnserver');
    expect(cmdline).not.toContain('COTURN-SECRET');
    expect(turn.configFile).toBeDefined();
    expect((await stat(turn.configFile!)).mode & 0o777).toBe(0o600);
  });
});
