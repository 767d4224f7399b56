import { afterEach, describe, expect, it } from 'vitest';
import { ConvaiClient } from '../../src/client/convai-client.js';
import { setWebSocketFactory } from '../../src/client/websocket-registry.js';

const SEED_ERROR =
  "[ConvaiClient] WebSocket transport is not registered.\nAdd `import 'convai-transport/vanilla/websocket'` before calling connect().";

afterEach(() => setWebSocketFactory(undefined));

describe('the convai-transport/websocket subpath', () => {
  it('without it, a forced websocket connect throws the exact seed error before any network call', async () => {
    setWebSocketFactory(undefined);
    let fetched = 0;
    const client = new ConvaiClient(
      { apiKey: 'k', characterId: 'c', transport: 'websocket', url: 'http://127.0.0.1:9' },
      { fetch: async () => (fetched++, new Response('{}')) },
    );
    const error = (await client.connect().catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.message).toBe(SEED_ERROR);
    expect(error.code).toBe('WEBSOCKET_NOT_REGISTERED');
    expect(fetched).toBe(0);
  });

  it('registers the Pipecat factory as the only effect of importing it', async () => {
    setWebSocketFactory(undefined);
    expect(ConvaiClient.isWebSocketTransportRegistered).toBe(false);
    const mod = await import('../../src/websocket.js');
    expect(ConvaiClient.isWebSocketTransportRegistered).toBe(true);
    const session = mod.createPipecatSession(() => {}, false);
    expect(session.transport).toBe('websocket');
    expect(session.isMicrophoneEnabled).toBe(false);
    await session.disconnect(); // never connected: must not throw
  });
});
