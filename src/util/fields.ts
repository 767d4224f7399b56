import { ConfigError } from '../errors/config-error.js';
import { redactIceUrl } from './redact.js';

/**
 * Field validators shared by the client's config and the probe's options: each names
 * the field it rejects, so a bad option reads as "Expected `x` to be ...".
 */

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : 'a string';
  return `${typeof value}`;
}

export function requireString(config: Record<string, unknown>, field: string): string {
  const value = config[field];
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new ConfigError(
      field,
      `Expected \`${field}\` to be a non-empty string, got ${describe(value)}.`,
    );
  }
  return value;
}

export function optionalString(config: Record<string, unknown>, field: string): string | undefined {
  const value = config[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new ConfigError(
      field,
      `Expected \`${field}\` to be a non-empty string when set, got ${describe(value)}.`,
    );
  }
  return value;
}

export function optionalBoolean(config: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = config[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigError(field, `Expected \`${field}\` to be a boolean, got ${describe(value)}.`);
  }
  return value;
}

export function optionalOneOf<T extends string>(
  config: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = config[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const shown = typeof value === 'string' ? `'${value}'` : describe(value);
    throw new ConfigError(
      field,
      `Expected \`${field}\` to be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${shown}.`,
    );
  }
  return value as T;
}

export function optionalInteger(
  config: Record<string, unknown>,
  field: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = config[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      field,
      `Expected \`${field}\` to be an integer from ${min} to ${max}, got ${
        typeof value === 'number' ? String(value) : describe(value)
      }.`,
    );
  }
  return value;
}

export function validateUrl(value: string, field: string, protocols: readonly string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    // not echoed: a mistyped URL may still hold a credential
    throw new ConfigError(field, `Expected \`${field}\` to be an absolute URL (${protocols.join(' or ')}).`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(
      field,
      `Expected \`${field}\` to use ${protocols.join(' or ')}, got '${parsed.protocol}'.`,
    );
  }
  // Every error about the backend names this URL: it must hold nothing secret.
  if (parsed.username !== '' || parsed.password !== '' || value.includes('?') || value.includes('#')) {
    throw new ConfigError(
      field,
      `Expected \`${field}\` to be a plain base URL: no user:password@, query or fragment (the API key goes in \`apiKey\`).`,
    );
  }
  // a loop, not /\/+$/: that regex is quadratic on a long run of slashes
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end -= 1;
  return value.slice(0, end);
}

/** What fetch accepts in a header value: no control characters, nothing beyond Latin-1. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function requireHeaderValue(config: Record<string, unknown>, field: string): string {
  const value = requireString(config, field);
  if (!HEADER_VALUE.test(value)) {
    // fetch would throw with the raw value in its message, and the request would be retried
    throw new ConfigError(
      field,
      `Expected \`${field}\` to be a valid HTTP header value: printable ASCII or Latin-1, no line breaks or control characters.`,
    );
  }
  return value;
}

const ICE_URL = /^(stun|stuns|turn|turns):[^\s@]+$/i;

/** Validates `iceServers` the way RTCPeerConnection would, but before any network call. */
export function validateIceServers(value: unknown, field = 'iceServers'): readonly RTCIceServer[] {
  if (!Array.isArray(value)) {
    throw new ConfigError(field, `Expected \`${field}\` to be an array of RTCIceServer, got ${describe(value)}.`);
  }
  value.forEach((server: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof server !== 'object' || server === null) {
      throw new ConfigError(at, `Expected \`${at}\` to be an object with \`urls\`, got ${describe(server)}.`);
    }
    const { urls, username, credential } = server as RTCIceServer;
    const list = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0) {
      throw new ConfigError(`${at}.urls`, `Expected \`${at}.urls\` to be a URL or a non-empty array of URLs.`);
    }
    list.forEach((url: unknown, j) => {
      const urlField = typeof urls === 'string' ? `${at}.urls` : `${at}.urls[${j}]`;
      if (typeof url === 'string' && url.includes('@')) {
        throw new ConfigError(
          urlField,
          `\`${urlField}\` must not carry credentials (user:password@): give them as \`username\` and \`credential\`.`,
        );
      }
      if (typeof url !== 'string' || !ICE_URL.test(url)) {
        throw new ConfigError(
          urlField,
          `Expected \`${urlField}\` to be a stun:, stuns:, turn: or turns: URL, got ${
            typeof url === 'string' ? `'${redactIceUrl(url)}'` : describe(url)
          }.`,
        );
      }
      if (/^turns?:/i.test(url) && (typeof username !== 'string' || typeof credential !== 'string')) {
        throw new ConfigError(
          `${at}.credential`,
          `\`${at}\` is a TURN server: it needs both \`username\` and \`credential\`.`,
        );
      }
    });
  });
  return value as readonly RTCIceServer[];
}

