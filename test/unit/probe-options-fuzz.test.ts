import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { probe } from '../../probes/probe.js';
import { isConfigError } from '../../src/errors/config-error.js';

/**
 * Probe options are open input (the CLI and the diagnostics page pass user text
 * through): every invalid value of every field must be refused with a ConfigError
 * naming that field, before any network activity. Network activity is watched by
 * counting RTCPeerConnection, WebSocket and fetch calls, globally and through the
 * constructor options.
 */

let networkCalls = 0;
const saved: Record<string, unknown> = {};
const counting = <T extends object>(name: string): T =>
  new Proxy(function () {} as unknown as T, {
    construct() {
      networkCalls += 1;
      throw new Error(`${name} must not be constructed for invalid options`);
    },
    apply() {
      networkCalls += 1;
      throw new Error(`${name} must not be called for invalid options`);
    },
  });

beforeEach(() => {
  networkCalls = 0;
  for (const name of ['RTCPeerConnection', 'WebSocket', 'fetch']) {
    saved[name] = (globalThis as Record<string, unknown>)[name];
    (globalThis as Record<string, unknown>)[name] = counting(name);
  }
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) (globalThis as Record<string, unknown>)[name] = value;
});

const GOOD_SERVERS = [{ urls: 'turn:127.0.0.1:3478?transport=udp', username: 'u', credential: 'FUZZ-SECRET-cred' }];

/** For each field: values that must be refused. */
const BAD: Record<string, fc.Arbitrary<unknown>> = {
  iceServers: fc.oneof(
    fc.constantFrom(undefined, null, 'turn:x', 42, {}),
    fc.array(fc.oneof(fc.constant(null), fc.string(), fc.record({ urls: fc.constantFrom([], '', 'http://x', 42) })), { minLength: 1, maxLength: 3 }),
    fc.constant([{ urls: 'turn:127.0.0.1:3478' }]),
  ),
  iceTransportPolicy: fc.oneof(fc.string().filter((s) => s !== 'relay' && s !== 'all'), fc.constantFrom(null, 1, true, {})),
  deadlineMs: fc.oneof(fc.double().filter((n) => !(Number.isInteger(n) && n >= 1 && n <= 600_000)), fc.constantFrom(null, '100', true, [])),
  connectivityCheck: fc.oneof(fc.string(), fc.integer(), fc.constantFrom(null, {}, [])),
  thorough: fc.oneof(fc.string(), fc.integer(), fc.constantFrom(null, {})),
  hostCandidates: fc.oneof(fc.string(), fc.integer(), fc.constantFrom(null, {})),
  wsUrl: fc.oneof(
    fc.string().filter((s) => !/^wss?:\/\/./i.test(s)),
    fc.constantFrom('http://127.0.0.1:1/', 'ftp://x', null, 5, {}),
  ),
  RTCPeerConnection: fc.constantFrom('RTCPeerConnection', 1, {}, null, true),
  WebSocket: fc.constantFrom('WebSocket', 1, {}, null, true),
  onProgress: fc.constantFrom('log', 1, {}, null, true),
  signal: fc.constantFrom('abort', 1, null, true, {}),
};

describe('probe() with invalid options', () => {
  for (const [field, bad] of Object.entries(BAD)) {
    it(`refuses a bad \`${field}\` with a ConfigError naming it, before any network call`, async () => {
      await fc.assert(
        fc.asyncProperty(bad, async (value) => {
          const options: Record<string, unknown> = { iceServers: GOOD_SERVERS, deadlineMs: 200, [field]: value };
          if (field === 'iceServers' && value === undefined) delete options['iceServers'];
          let error: unknown;
          try {
            await probe(options as never);
          } catch (e) {
            error = e;
          }
          expect(isConfigError(error)).toBe(true);
          expect((error as { field: string }).field.startsWith(field)).toBe(true);
          expect((error as Error).message).not.toContain('FUZZ-SECRET-cred');
          expect(networkCalls).toBe(0);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('never crashes on options that are not an object', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(null, undefined), fc.string(), fc.integer(), fc.boolean()), async (value) => {
        await expect(probe(value as never)).rejects.toSatisfy(isConfigError);
        expect(networkCalls).toBe(0);
      }),
      { numRuns: 30 },
    );
  });
});
