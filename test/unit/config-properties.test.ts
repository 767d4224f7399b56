import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConvaiClient } from '../../src/client/convai-client.js';
import { isConfigError, type ConfigError } from '../../src/errors/config-error.js';

// Property: whatever a caller passes, construction either succeeds or throws a
// ConfigError naming a real field; connect() on a valid client with a refused
// transport never reaches the network. `fetch` is replaced by a counter so any
// network attempt is visible.

const FIELDS = [
  'apiKey', 'characterId', 'transport', 'startWithAudioOn', 'url', 'endUserId', 'characterSessionId',
  'ttsEnabled', 'connectionType', 'iceTransportPolicy', 'iceServers', 'requestTimeoutMs',
  'backendRetries', 'connectTimeoutMs', 'negotiation',
] as const;

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
  fc.constantFrom('livekit', 'websocket', 'auto', 'audio', 'video', 'relay', 'all', 'http://127.0.0.1:1', 'stun:127.0.0.1'),
);

const config = fc.record(
  Object.fromEntries(FIELDS.map((f) => [f, anyValue])) as Record<(typeof FIELDS)[number], fc.Arbitrary<unknown>>,
  { requiredKeys: [] },
);

const API_KEY = 'sk-property-secret-key';

describe('config validation, property-based', () => {
  it('never crashes: either a client or a ConfigError naming a known field', () => {
    fc.assert(
      fc.property(config, (input) => {
        let fetches = 0;
        const fetch = (async () => {
          fetches += 1;
          throw new Error('no network in this test');
        }) as typeof globalThis.fetch;
        try {
          new ConvaiClient(input as never, { fetch });
        } catch (error) {
          expect(isConfigError(error)).toBe(true);
          const field = (error as ConfigError).field;
          const root = field.split(/[.[]/)[0];
          expect(['config', ...FIELDS]).toContain(root);
          expect((error as Error).message).toContain(field === 'config' ? 'config' : root);
        }
        expect(fetches).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('never puts the API key in an error message', () => {
    fc.assert(
      fc.property(config, (input) => {
        try {
          new ConvaiClient({ ...(input as object), apiKey: API_KEY } as never);
        } catch (error) {
          expect((error as Error).message).not.toContain(API_KEY);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('any invalid single field is named, with a valid rest', () => {
    const valid = { apiKey: API_KEY, characterId: 'c' };
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), anyValue, (field, value) => {
        let error: unknown;
        try {
          new ConvaiClient({ ...valid, [field]: value } as never);
        } catch (e) {
          error = e;
        }
        if (error !== undefined) {
          expect(isConfigError(error)).toBe(true);
          expect((error as ConfigError).field.startsWith(field)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
