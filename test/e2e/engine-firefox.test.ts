import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchEngine, type Engine } from '../support/engine.js';
import { startEngineStack, type EngineStack } from '../support/engine-stack.js';
import { converseOverWebSocket, runNegotiator, runProbe } from './engines/scenarios.js';
import type { ConnectResult } from './pages/livekit-page.js';

/**
 * The core scenarios in Firefox (Debian firefox-esr over WebDriver BiDi, puppeteer-core),
 * on the same pages, coturn and local backend as the Chromium files. What Firefox does
 * differently, and which scenarios run only in Chromium, is in the README's engine matrix.
 */

let stack: EngineStack;
let firefox: Engine;

beforeAll(async () => {
  [stack, firefox] = await Promise.all([startEngineStack(), launchEngine('firefox')]);
});

afterAll(async () => {
  await firefox?.close();
  await stack?.stop();
});

describe(`Firefox (firefox-esr, WebDriver BiDi)`, () => {
  it('forced LiveKit: relay-only connect through coturn, text round trip, mic RTP reaches the room', async () => {
    const page = await stack.open(firefox, 'livekit');
    const outcome = await page.evaluate((c) => window.lk.connect(c as never), {
      apiKey: stack.apiKey,
      characterId: 'char-ff',
      url: stack.backend.url,
      transport: 'livekit',
      backendRetries: 0,
      connectTimeoutMs: 10_000,
    });
    expect(outcome as ConnectResult).toMatchObject({ ok: true });
    const before = await page.evaluate(() => window.lk.messageCount(), undefined);
    await page.evaluate((t) => window.lk.send(t), 'hello from firefox');
    const reply = await page.evaluate((n) => window.lk.waitForMessage('bot-llm-text', n, 10_000), before);
    expect((reply?.data as { text?: string } | undefined)?.text).toBe('You said: hello from firefox');
    // Convai's policy: relay only, so the selected pair's local side is a coturn relay
    const pairs = await page.evaluate(() => window.lk.selectedPairs(), undefined);
    expect(pairs.map((p) => p.local)).toContain('relay');
    // the fake mic's Opus reaches the room's peer (Firefox offers it as a bundle-only m-section)
    const session = stack.room.stats().sessions.at(-1)!;
    await expect.poll(() => stack.room.micPackets(session.roomName), { timeout: 10_000 }).toBeGreaterThan(25);
    expect(await page.evaluate(() => window.lk.audioPacketsSent(), undefined)).toBeGreaterThan(0);
    await page.evaluate(() => window.lk.disconnect(), undefined);
    await expect.poll(() => page.evaluate(() => window.lk.peerConnections().open, undefined)).toBe(0);
    await page.close();
  });

  it('forced WebSocket: text round trip, fake-mic audio reaches the bot, bot audio plays, nothing left open', async () => {
    const page = await stack.open(firefox, 'websocket');
    await converseOverWebSocket(stack, page, 'firefox');
    await page.close();
  });

  it('auto on a healthy network: LiveKit beside the probe, and the WebSocket chunk is never requested', async () => {
    const page = await stack.open(firefox, 'negotiator');
    const chunks = stack.chunkRequests();
    const outcome = await runNegotiator(stack, page, {});
    expect(outcome).toMatchObject({ ok: true, transport: 'livekit', iceServerSource: 'session' });
    expect(outcome.phases).toEqual(['connecting', 'probing', 'verdict', 'connected']);
    expect(await page.evaluate((t) => window.neg.converse(t), 'auto in firefox')).toBe('You said: auto in firefox');
    expect(stack.chunkRequests()).toBe(chunks);
    await page.evaluate(() => window.neg.disconnect(), undefined);
    expect(await page.evaluate(() => window.neg.peerConnections().open, undefined)).toBe(0);
    await page.close();
  });

  it('probe, healthy: verdict webrtc, TURN over UDP and TCP both relay, the relay carries data', async () => {
    const page = await stack.open(firefox, 'probe');
    const out = await runProbe(page, {
      iceServers: [{ urls: stack.turn.stunUrl }, { urls: [stack.turn.turnUdpUrl, stack.turn.turnTcpUrl], username: stack.turn.username, credential: stack.turn.password }],
      thorough: true,
      deadlineMs: 10_000,
    });
    expect(out.report.verdict).toBe('webrtc');
    expect(out.report.reasons).toEqual([]);
    const turn = out.report.checks.gathering.data.servers.filter((s) => s.kind === 'turn');
    expect(turn.map((s) => [s.transport, s.outcome])).toEqual([
      ['udp', 'ok'],
      ['tcp', 'ok'],
    ]);
    expect(out.report.checks.connectivity.data).toMatchObject({ ok: true, via: 'udp' });
    expect(out.peers.open).toBe(0);
    expect(JSON.stringify(out)).not.toContain(stack.turn.password);
    await page.close();
  });

  it('probe, wrong TURN password: TURN_AUTH_FAILED, not a timeout', async () => {
    const page = await stack.open(firefox, 'probe');
    const out = await runProbe(page, {
      iceServers: [{ urls: [stack.turn.turnUdpUrl, stack.turn.turnTcpUrl], username: stack.turn.username, credential: 'wrong-password-ff' }],
      deadlineMs: 3_000,
    });
    expect(out.report.verdict).toBe('websocket');
    expect(out.report.reasons).toContain('TURN_AUTH_FAILED');
    expect(out.report.reasons).not.toContain('UDP_BLOCKED');
    const turn = out.report.checks.gathering.data.servers.filter((s) => s.kind === 'turn');
    expect(turn.map((s) => s.outcome)).toEqual(['auth-failed', 'auth-failed']);
    // Firefox's icecandidateerror carries the 401 but no text: the probe names it
    expect(turn.map((s) => s.errors[0])).toEqual([
      { code: 401, text: 'Unauthorized (wrong TURN username or credential)' },
      { code: 401, text: 'Unauthorized (wrong TURN username or credential)' },
    ]);
    expect(out.text).toContain('401 Unauthorized (wrong TURN username or credential)');
    expect(JSON.stringify(out)).not.toContain('wrong-password-ff');
    expect(out.peers.open).toBe(0);
    await page.close();
  });
});
