import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { NOTHING_OPEN, settle, startFaultStack, type ConnectFault, type FaultStack } from '../reliability/fault-stack.js';
import type { Outcome } from '../reliability/fault-page.js';

/**
 * Faults on the WebSocket path and around connect, through a real ConvaiClient in
 * Chromium against the real local backend: `/connect` failures, the lazy WebSocket
 * chunk failing to load, a misbehaving Pipecat bot, and racing connect/disconnect.
 * Each ends in a typed error or a recovery, with nothing left open.
 */

let stack: FaultStack;
let page: Page | undefined;
const eventLogs: string[] = [];
const WS_CHUNK = /\/websocket-[\w-]+\.js$/;

beforeAll(async () => {
  stack = await startFaultStack();
});

async function closePage(): Promise<void> {
  if (!page) return;
  eventLogs.push(...(await page.evaluate(() => window.fault.eventLog()).catch(() => [])));
  await page.close();
  page = undefined;
}

afterEach(async () => {
  if (!reusePage) await closePage();
  stack.connectFaults = [];
  stack.alwaysFault = undefined;
  for (const key of Object.keys(stack.bot.faults)) delete stack.bot.faults[key as keyof typeof stack.bot.faults];
});

afterAll(async () => {
  await closePage();
  if (stack) {
    expect(stack.scanSecrets(eventLogs)).toEqual([]);
    await stack.stop();
  }
});

/** The /connect cases share one page (a new client each): a page costs seconds on 2 busy cores. */
let reusePage = false;

async function fresh(extra: Record<string, unknown> = {}): Promise<Page> {
  if (!page) page = await stack.openPage();
  expect(await page.evaluate((c) => window.fault.create(c as never), stack.config(extra))).toEqual({ ok: true });
  return page;
}

const connectWs = (): Promise<Outcome> =>
  page!.evaluate(() => window.fault.connect({ transport: 'websocket' }));

describe('/connect faults through ConvaiClient in Chromium', () => {
  beforeAll(() => {
    reusePage = true;
  });
  afterAll(async () => {
    reusePage = false;
    await closePage();
  });
  const cases: { fault: ConnectFault; retries: number; expected: Outcome | 'ok'; attempts: number; mention?: string }[] = [
    { fault: 'status-500', retries: 1, expected: 'ok', attempts: 2 },
    { fault: 'status-401', retries: 2, expected: { ok: false, code: 'BACKEND_REJECTED' }, attempts: 1, mention: '401' },
    { fault: 'status-400', retries: 2, expected: { ok: false, code: 'BACKEND_REJECTED' }, attempts: 1, mention: 'character_id' },
    { fault: 'hang', retries: 0, expected: { ok: false, code: 'BACKEND_TIMEOUT' }, attempts: 1 },
    { fault: 'malformed-json', retries: 0, expected: { ok: false, code: 'BACKEND_BAD_RESPONSE' }, attempts: 1 },
    { fault: 'missing-fields', retries: 0, expected: { ok: false, code: 'BACKEND_BAD_RESPONSE' }, attempts: 1, mention: 'ws_url' },
    // Chromium itself retries a request whose reused connection is reset, so this fault
    // stays on for every attempt (see `always` below)
    { fault: 'reset', retries: 0, expected: { ok: false, code: 'BACKEND_UNAVAILABLE' }, attempts: 0 },
  ];
  it.each(cases)('$fault: $expected ($attempts attempt(s))', async ({ fault, retries, expected, attempts }) => {
    const page = await fresh({ backendRetries: retries, requestTimeoutMs: 700 });
    const errorsBefore = await page.evaluate(() => window.fault.eventLog().filter((l) => l.startsWith('error ')).length);
    const before = stack.connectBodies.length;
    const answeredBefore = stack.backend.connectCount.websocket;
    if (fault === 'reset') stack.alwaysFault = fault;
    else stack.connectFaults = [fault];
    const outcome = await connectWs();
    if (expected === 'ok') {
      expect(outcome).toEqual({ ok: true });
      expect(stack.backend.connectCount.websocket - answeredBefore).toBe(1);
      await page.evaluate(() => window.fault.disconnect());
    } else {
      expect(outcome).toMatchObject(expected);
      expect(outcome.message).not.toContain(stack.config().apiKey as string);
      const c = cases.find((x) => x.fault === fault)!;
      if (c.mention) expect(outcome.message).toContain(c.mention);
      // the error event carries the same typed error
      expect(await page.evaluate(() => window.fault.eventLog().filter((l) => l.startsWith('error ')).length)).toBe(errorsBefore + 1);
    }
    // retried only when retrying can help (5xx): never on 4xx
    if (attempts > 0) expect(stack.connectBodies.length - before + (expected === 'ok' ? 1 : 0)).toBe(attempts);
    else expect(stack.connectBodies.length - before).toBeGreaterThanOrEqual(1);
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
  });
});

describe('the lazy WebSocket chunk fails to load', () => {
  it('once: the loader retries and the session connects', async () => {
    const page = await fresh();
    let failed = 0;
    await page.route(WS_CHUNK, (route: Route) => {
      if (failed++ === 0) return route.abort('connectionreset');
      return route.continue();
    });
    const requestsBefore = stack.pages.requests.filter((p) => WS_CHUNK.test(p)).length;
    expect(await connectWs()).toEqual({ ok: true });
    expect(failed).toBe(2);
    // Chromium 156 does not cache a failed dynamic import(): the retry of the same URL
    // reached the network (the aborted first try never got to the server)
    expect(stack.pages.requests.filter((p) => WS_CHUNK.test(p)).length - requestsBefore).toBe(1);
    expect(await page.evaluate(() => window.fault.converse('after a chunk retry'))).toBe('You said: after a chunk retry');
    await page.evaluate(() => window.fault.disconnect());
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
  });

  it('always: CHUNK_LOAD_FAILED after the configured retries, no backend session made', async () => {
    const page = await fresh({ negotiation: { cache: false, chunkRetries: 2 } });
    let tries = 0;
    await page.route(WS_CHUNK, (route: Route) => {
      tries += 1;
      return route.abort('connectionreset');
    });
    const answeredBefore = stack.backend.connectCount.websocket;
    const outcome = await connectWs();
    expect(outcome).toMatchObject({ ok: false, code: 'CHUNK_LOAD_FAILED', name: 'TransportError' });
    expect(tries).toBe(3);
    expect(stack.backend.connectCount.websocket).toBe(answeredBefore);
    expect(await page.evaluate(() => window.fault.state()?.isConnecting)).toBe(false);
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
  });
});

describe('a misbehaving Pipecat bot', () => {
  it('closes mid-session: disconnect with CONNECTION_LOST, nothing open', async () => {
    stack.bot.faults.closeAfterMs = 400;
    const page = await fresh();
    expect(await connectWs()).toEqual({ ok: true });
    const ended = await page.evaluate(() => window.fault.waitForEvent('disconnect ', 8_000));
    expect(ended).toContain('CONNECTION_LOST');
    expect(ended).toContain('1011');
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
  });

  it('never sends bot-ready: BOT_READY_TIMEOUT, nothing open, socket closed at the bot', async () => {
    stack.bot.faults.neverReady = true;
    const page = await fresh({ connectTimeoutMs: 1_000 });
    expect(await connectWs()).toMatchObject({ ok: false, code: 'BOT_READY_TIMEOUT' });
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
    await expect.poll(() => stack.bot.connectedCount, { timeout: 5_000 }).toBe(0);
  });

  it('sends a frame that is not protobuf: PROTOCOL_ERROR, the session ends cleanly', async () => {
    stack.bot.faults.garbageAfterMs = 300;
    const page = await fresh();
    expect(await connectWs()).toEqual({ ok: true });
    const ended = await page.evaluate(() => window.fault.waitForEvent('disconnect ', 8_000));
    expect(ended).toContain('PROTOCOL_ERROR');
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
    await expect.poll(() => stack.bot.connectedCount, { timeout: 5_000 }).toBe(0);
  });

  it('sends a 2 MiB frame: the session survives it and the conversation goes on', async () => {
    stack.bot.faults.oversizedAfterMs = 200;
    stack.bot.faults.oversizedBytes = 2 * 1024 * 1024;
    const page = await fresh();
    expect(await connectWs()).toEqual({ ok: true });
    await expect
      .poll(() => page.evaluate(() => window.fault.messageTypes().filter((t) => t === 'bot-llm-text').length), { timeout: 8_000 })
      .toBe(1);
    expect(await page.evaluate(() => window.fault.state()?.isConnected)).toBe(true);
    expect(await page.evaluate(() => window.fault.converse('after the big frame'))).toBe('You said: after the big frame');
    await page.evaluate(() => window.fault.disconnect());
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
  });
});

describe('racing connect() and disconnect()', () => {
  it('connect() twice at once: one promise, one backend session', async () => {
    const page = await fresh();
    const before = stack.backend.connectCount.websocket;
    const twice = await page.evaluate(() => window.fault.connectTwice({ transport: 'websocket' }));
    expect(twice).toEqual({ same: true, outcomes: [{ ok: true }, { ok: true }] });
    expect(stack.backend.connectCount.websocket - before).toBe(1);
    expect(await page.evaluate(() => window.fault.leftovers().sockets)).toBe(1);
    await page.evaluate(() => window.fault.disconnect());
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
  });

  it('disconnect() during the race: ABORTED, the LiveKit attempt closed, no WebSocket session made', async () => {
    const page = await fresh();
    const before = { ...stack.backend.connectCount };
    const joins = stack.room.stats().joins;
    const r = await page.evaluate(() => window.fault.disconnectDuring('probing', 0, { transport: 'auto' }));
    expect(r.reachedPhase).toBe(true);
    expect(r.connect).toMatchObject({ ok: false, code: 'ABORTED' });
    expect(r.state).toMatchObject({ isConnected: false, isConnecting: false });
    // the LiveKit attempt runs beside the probe (it joined, to learn the TURN servers); it is
    // closed with the rest, and no WebSocket session was made
    expect(stack.backend.connectCount.websocket).toBe(before.websocket);
    expect(stack.room.stats().joins).toBeLessThanOrEqual(joins + 1);
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
  });

  it('disconnect() during the chunk load: ABORTED, no WebSocket session made', async () => {
    const page = await fresh();
    // hold the chunk so the load is surely in flight when disconnect() comes
    await page.route(WS_CHUNK, async (route: Route) => {
      await new Promise((r) => setTimeout(r, 500));
      await route.continue().catch(() => undefined);
    });
    const before = stack.backend.connectCount.websocket;
    const r = await page.evaluate(() => window.fault.disconnectDuring('loading-fallback', 0, { transport: 'websocket' }));
    expect(r.reachedPhase).toBe(true);
    expect(r.connect).toMatchObject({ ok: false, code: 'ABORTED' });
    expect(stack.backend.connectCount.websocket).toBe(before);
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
  });

  it('disconnect() during the transport connect: ABORTED, the bot sees the socket close', async () => {
    stack.bot.faults.neverReady = true;
    const page = await fresh();
    const sessionsBefore = stack.bot.sessions.length;
    const r = await page.evaluate(() => window.fault.disconnectDuring('connecting', 300, { transport: 'websocket' }));
    expect(r.connect).toMatchObject({ ok: false, code: 'ABORTED' });
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
    await expect.poll(() => stack.bot.connectedCount, { timeout: 5_000 }).toBe(0);
    expect(stack.bot.sessions.length).toBeGreaterThanOrEqual(sessionsBefore);
  });

  it('connect() right after disconnect(): a new session that works', async () => {
    const page = await fresh();
    expect(await connectWs()).toEqual({ ok: true });
    const outcome = await page.evaluate(async () => {
      const done = window.fault.disconnect();
      const again = window.fault.connect({ transport: 'websocket' });
      await done;
      return again;
    });
    expect(outcome).toEqual({ ok: true });
    expect(await page.evaluate(() => window.fault.converse('second session'))).toBe('You said: second session');
    expect(await page.evaluate(() => window.fault.leftovers().openSockets)).toBe(1);
    await page.evaluate(() => window.fault.disconnect());
    expect(await settle(page)).toMatchObject(NOTHING_OPEN);
  });
});
