import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchEngine, type Engine } from '../support/engine.js';
import { startEngineStack, type EngineStack } from '../support/engine-stack.js';
import { converseOverWebSocket, runNegotiator, runProbe } from './engines/scenarios.js';

/**
 * WebKitGTK (Debian's MiniBrowser through WebKitWebDriver, under Xvfb). With its default
 * settings it has no RTCPeerConnection at all, like a restricted webview: here `auto` meets a
 * real missing API, not a deleted constructor. The mic is WebKit's mock capture device.
 */

let stack: EngineStack;
let webkit: Engine;

beforeAll(async () => {
  [stack, webkit] = await Promise.all([startEngineStack(), launchEngine('webkit')]);
});

afterAll(async () => {
  await webkit?.close();
  await stack?.stop();
});

describe('WebKitGTK (MiniBrowser, WebKitWebDriver)', () => {
  it('forced WebSocket: text round trip, mock-mic audio reaches the bot, bot audio plays, nothing left open', async () => {
    const page = await stack.open(webkit, 'websocket');
    await converseOverWebSocket(stack, page, 'webkit');
    await page.close();
  });

  it('auto without RTCPeerConnection: WebSocket at once, no LiveKit session asked for, converses', async () => {
    const page = await stack.open(webkit, 'negotiator');
    const chunks = stack.chunkRequests();
    const livekitBefore = stack.backend.connectCount.livekit;
    const outcome = await runNegotiator(stack, page, {});
    expect(outcome).toMatchObject({ ok: true, transport: 'websocket', verdict: 'websocket', reasons: ['NO_RTCPEERCONNECTION'] });
    // the capability check needs no probe: straight to the verdict
    expect(outcome.phases).toEqual(['verdict', 'loading-fallback', 'connecting', 'connected']);
    expect(stack.backend.connectCount.livekit).toBe(livekitBefore);
    expect(stack.chunkRequests()).toBe(chunks + 1);
    expect(await page.evaluate((t) => window.neg.converse(t), 'auto in webkit')).toBe('You said: auto in webkit');
    expect(await page.evaluate(() => window.neg.peerConnections().created, undefined)).toBe(0);
    await page.evaluate(() => window.neg.disconnect(), undefined);
    await page.close();
  });

  it('probe: NO_RTCPEERCONNECTION without touching the network for ICE, the WebSocket answers', async () => {
    const page = await stack.open(webkit, 'probe');
    const out = await runProbe(page, {
      iceServers: [{ urls: stack.turn.turnUdpUrl, username: stack.turn.username, credential: stack.turn.password }],
      wsUrl: `${stack.backend.url.replace('http:', 'ws:')}/probe/ws`,
    });
    expect(out.report.verdict).toBe('websocket');
    expect(out.report.reasons).toEqual(['NO_RTCPEERCONNECTION']);
    expect(out.report.checks.gathering.status).toBe('skipped');
    expect(out.report.checks.websocket?.data.outcome).toBe('answered');
    expect(out.sockets.open).toBe(0);
    await page.close();
  });
});
