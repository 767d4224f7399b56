import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/client/config.js';
import { validateIceServers } from '../../src/util/fields.js';
import { isConfigError, type ConfigError } from '../../src/errors/config-error.js';

const base = { apiKey: 'key-1234567890', characterId: 'char-1' };

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('apiKey must be a valid HTTP header value', () => {
  it.each([
    ['a line break', 'sk-SECRET-1\nX-Injected: 1'],
    ['a carriage return', 'sk-SECRET-2\r'],
    ['a NUL', 'sk-SECRET-3\u0000'],
    ['a non-Latin-1 character', 'sk-SECRET-4-ключ'],
    ['an emoji', 'sk-SECRET-5-🔑'],
  ])('rejects a key with %s, without echoing it', (_what, apiKey) => {
    const error = thrown(() => resolveConfig({ ...base, apiKey }));
    expect(error.field).toBe('apiKey');
    expect(error.message).not.toContain('SECRET');
    expect(error.cause).toBeUndefined();
  });

  it('accepts printable ASCII and Latin-1', () => {
    expect(resolveConfig({ ...base, apiKey: 'sk-AZaz09_-.~+/=' }).apiKey).toBe('sk-AZaz09_-.~+/=');
    expect(resolveConfig({ ...base, apiKey: 'clé-é' }).apiKey).toBe('clé-é');
  });
});

describe('url carries no credential', () => {
  it.each([
    ['userinfo', 'https://alice:SECRET-pw@api.example.test'],
    ['a user name', 'https://SECRET-user@api.example.test/v1'],
    ['a query', 'https://api.example.test/v1?token=SECRET-q'],
    ['an empty query', 'https://api.example.test/v1?'],
    ['a fragment', 'https://api.example.test/v1#SECRET-frag'],
  ])('rejects %s with a ConfigError naming `url`, without echoing it', (_what, url) => {
    const error = thrown(() => resolveConfig({ ...base, url }));
    expect(error.field).toBe('url');
    expect(error.message).not.toContain('SECRET');
  });

  it('does not echo a URL it cannot parse', () => {
    const error = thrown(() => resolveConfig({ ...base, url: 'https//SECRET-x:y@nowhere' }));
    expect(error.field).toBe('url');
    expect(error.message).not.toContain('SECRET');
  });

  // The old /\/+$/ took over a minute on this input (each start position rescans the run of
  // slashes); linear code takes well under a millisecond. The test timeout is the bound.
  it('strips trailing slashes in linear time', () => {
    const many = '/'.repeat(200_000);
    expect(resolveConfig({ ...base, url: `http://127.0.0.1:9/a${many}b` }).url).toBe(`http://127.0.0.1:9/a${many}b`);
    expect(resolveConfig({ ...base, url: `http://127.0.0.1:9/a${many}` }).url).toBe('http://127.0.0.1:9/a');
  });
});

describe('ICE server validation never echoes a credential', () => {
  it('a password written into the URL is not repeated', () => {
    const error = thrown(() => validateIceServers([{ urls: 'turn:alice:S3cret-url@127.0.0.1:3478', username: 'alice', credential: 'S3cret-url' }]));
    expect(error.field).toBe('iceServers[0].urls');
    expect(error.message).not.toContain('S3cret');
  });

  it('a bad URL is shown without its secret-looking parts', () => {
    const error = thrown(() => validateIceServers([{ urls: 'https://S3cret-x@h' }]));
    expect(error.message).not.toContain('S3cret');
  });
});
