import { describe, expect, it } from 'vitest';
import { CLIENT_DEFAULTS, resolveConfig } from '../../src/client/config.js';
import { validateIceServers } from '../../src/util/fields.js';
import { ConfigError, isConfigError } from '../../src/errors/config-error.js';

const base = { apiKey: 'key-1234567890', characterId: 'char-1' };

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    expect((error as ConfigError).code).toBe('INVALID_CONFIG');
    return (error as ConfigError).field;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig', () => {
  it('fills every default', () => {
    const config = resolveConfig(base);
    expect(config).toMatchObject({ ...base, ...CLIENT_DEFAULTS });
    expect(config.endUserId).toBeUndefined();
    expect(config.iceServers).toBeUndefined();
  });

  it('strips trailing slashes from url', () => {
    expect(resolveConfig({ ...base, url: 'http://127.0.0.1:9/api//' }).url).toBe('http://127.0.0.1:9/api');
  });

  it.each([
    ['config', null],
    ['config', 'string'],
    ['config', []],
  ])('rejects a non-object config (%s)', (field, value) => {
    expect(fieldOf(() => resolveConfig(value))).toBe(field);
  });

  const bad: [string, unknown][] = [
    ['apiKey', undefined],
    ['apiKey', ''],
    ['apiKey', '   '],
    ['apiKey', 42],
    ['characterId', undefined],
    ['characterId', ''],
    ['characterId', {}],
    ['transport', 'webrtc'],
    ['transport', 1],
    ['startWithAudioOn', 'yes'],
    ['url', 'not a url'],
    ['url', 'ftp://example.test'],
    ['url', ''],
    ['url', 7],
    ['endUserId', ''],
    ['endUserId', 5],
    ['characterSessionId', ''],
    ['characterSessionId', false],
    ['ttsEnabled', 'true'],
    ['connectionType', 'smell'],
    ['iceTransportPolicy', 'none'],
    ['iceServers', 'stun:127.0.0.1'],
    ['requestTimeoutMs', 0],
    ['requestTimeoutMs', -5],
    ['requestTimeoutMs', 1.5],
    ['requestTimeoutMs', '100'],
    ['backendRetries', -1],
    ['backendRetries', 11],
    ['connectTimeoutMs', Number.NaN],
    ['connectTimeoutMs', Number.POSITIVE_INFINITY],
  ];
  it.each(bad)('names `%s` when it is %j', (field, value) => {
    const thrown = fieldOf(() => resolveConfig({ ...base, [field]: value }));
    expect(thrown).toBe(field);
  });

  it('puts the field in the message and never the API key', () => {
    try {
      resolveConfig({ ...base, transport: 'carrier-pigeon' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('`transport`');
      expect((error as Error).message).toContain("'carrier-pigeon'");
      expect((error as Error).message).not.toContain(base.apiKey);
    }
  });

  it('accepts every valid enum value', () => {
    for (const transport of ['livekit', 'websocket', 'auto'] as const) {
      expect(resolveConfig({ ...base, transport }).transport).toBe(transport);
    }
    expect(resolveConfig({ ...base, connectionType: 'video' }).connectionType).toBe('video');
    expect(resolveConfig({ ...base, iceTransportPolicy: 'all' }).iceTransportPolicy).toBe('all');
  });
});

describe('validateIceServers', () => {
  it('accepts STUN and TURN with credentials', () => {
    const servers = [
      { urls: 'stun:127.0.0.1:3478' },
      { urls: ['turn:127.0.0.1:3478?transport=udp', 'turns:127.0.0.1:5349'], username: 'u', credential: 'p' },
    ];
    expect(validateIceServers(servers)).toBe(servers);
  });

  it.each([
    [[null], 'iceServers[0]'],
    [[{}], 'iceServers[0].urls'],
    [[{ urls: [] }], 'iceServers[0].urls'],
    [[{ urls: 'http://127.0.0.1' }], 'iceServers[0].urls'],
    [[{ urls: 'stun:127.0.0.1' }, { urls: ['stun:a', 'bogus'] }], 'iceServers[1].urls[1]'],
    [[{ urls: 'turn:127.0.0.1:3478' }], 'iceServers[0].credential'],
    [[{ urls: 'turn:127.0.0.1:3478', username: 'u' }], 'iceServers[0].credential'],
  ])('names the bad field in %j', (servers, field) => {
    expect(fieldOf(() => validateIceServers(servers))).toBe(field);
  });

  it('never echoes a TURN credential', () => {
    try {
      validateIceServers([{ urls: 'turn:127.0.0.1', credential: 'secret-pass' }]);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-pass');
    }
  });
});
