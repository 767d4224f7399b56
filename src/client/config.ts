import { ConfigError } from '../errors/config-error.js';
import { redactIceUrl } from '../util/redact.js';
import type { VerdictStore } from '../negotiator/verdict-cache.js';

export type TransportPreference = 'livekit' | 'websocket' | 'auto';
export type ConnectionType = 'audio' | 'video';

/** How `transport: 'auto'` decides. Defaults live in `NEGOTIATION_DEFAULTS`. */
export interface NegotiationConfig {
  /**
   * Deadline of the WebRTC probe. A healthy network answers in ~100-300 ms; a network
   * that silently drops UDP never answers, so this is what such a user waits.
   * @default 1000
   */
  readonly probeDeadlineMs?: number;
  /** After gathering, prove packets flow with two peer connections and an echo. @default true */
  readonly connectivityCheck?: boolean;
  /**
   * Where verdicts are remembered (`localStorage` fits); `false` turns remembering off.
   * @default localStorage where usable, else memory
   */
  readonly cache?: VerdictStore | false;
  /** How long a remembered verdict is trusted. @default 600000 (10 min) */
  readonly cacheTtlMs?: number;
  /** Retries when the WebSocket chunk fails to load. @default 2 */
  readonly chunkRetries?: number;
  /** When LiveKit fails to connect after a good probe, try WebSocket once. @default true */
  readonly fallbackOnConnectFailure?: boolean;
  /**
   * When an `'auto'` session on LiveKit is lost mid-conversation and LiveKit's own
   * reconnection gives up, move the conversation to WebSocket, resuming the same
   * `character_session_id` (`negotiation` event phase `'handoff'`).
   * @default true
   */
  readonly handoffOnLoss?: boolean;
}

export interface ResolvedNegotiation {
  readonly probeDeadlineMs: number;
  readonly connectivityCheck: boolean;
  readonly cache: VerdictStore | false | undefined;
  readonly cacheTtlMs: number;
  readonly chunkRetries: number;
  readonly fallbackOnConnectFailure: boolean;
  readonly handoffOnLoss: boolean;
}

export const NEGOTIATION_DEFAULTS = {
  probeDeadlineMs: 1_000,
  connectivityCheck: true,
  cacheTtlMs: 600_000,
  chunkRetries: 2,
  fallbackOnConnectFailure: true,
  handoffOnLoss: true,
} as const satisfies Partial<ResolvedNegotiation>;

/** Options of `new ConvaiClient(...)`. Defaults live in `CLIENT_DEFAULTS`. */
export interface ConvaiClientConfig {
  /**
   * Your Convai API key, sent as the `x-api-key` header. Never logged, never put in
   * an error or an event.
   * @example 'sk-...'
   */
  readonly apiKey: string;
  /**
   * The character to talk to.
   * @example '7bd3274c-1745-11ee-a3af-42010a400002'
   */
  readonly characterId: string;
  /**
   * `'livekit'` (WebRTC), `'websocket'` (Pipecat; register it first, see
   * `convai-transport/websocket`) or `'auto'` (probe, then pick; see `connectConvai`).
   * @default 'livekit'
   */
  readonly transport?: TransportPreference;
  /**
   * Open the microphone unmuted. On WebSocket the mic is opened during connect either
   * way, and muted at once when this is false.
   * @default true
   */
  readonly startWithAudioOn?: boolean;
  /**
   * Base URL of the Convai realtime API; `POST {url}/connect` starts a session.
   * @default 'https://realtime-api.convai.com'
   */
  readonly url?: string;
  /** Your own id for the end user, passed to the backend. @example 'user-42' */
  readonly endUserId?: string;
  /** Resume this conversation instead of starting a new one. @example 'a1b2c3' */
  readonly characterSessionId?: string;
  /** Ask the backend for speech (text-to-speech) in replies. @default true */
  readonly ttsEnabled?: boolean;
  /** @default 'audio' */
  readonly connectionType?: ConnectionType;
  /**
   * ICE transport policy for LiveKit. Convai uses `'relay'` (TURN only).
   * @default 'relay'
   */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /**
   * ICE servers to use instead of those the LiveKit server sends (and for the probe).
   * @example [{ urls: 'turn:turn.example.com:3478?transport=tcp', username: 'u', credential: 'p' }]
   */
  readonly iceServers?: readonly RTCIceServer[];
  /** Timeout of one `/connect` request. @default 10000 */
  readonly requestTimeoutMs?: number;
  /** Retries of `/connect` on network errors and 5xx (never on 4xx). @default 2 */
  readonly backendRetries?: number;
  /** Upper bound for a transport's connect, bot-ready included. @default 15000 */
  readonly connectTimeoutMs?: number;
  /** Tuning of `transport: 'auto'`. */
  readonly negotiation?: NegotiationConfig;
}

export interface ResolvedConfig {
  readonly apiKey: string;
  readonly characterId: string;
  readonly transport: TransportPreference;
  readonly startWithAudioOn: boolean;
  readonly url: string;
  readonly endUserId: string | undefined;
  readonly characterSessionId: string | undefined;
  readonly ttsEnabled: boolean;
  readonly connectionType: ConnectionType;
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  readonly iceServers: readonly RTCIceServer[] | undefined;
  readonly requestTimeoutMs: number;
  readonly backendRetries: number;
  readonly connectTimeoutMs: number;
  readonly negotiation: ResolvedNegotiation;
}

export const CLIENT_DEFAULTS = {
  transport: 'livekit',
  startWithAudioOn: true,
  url: 'https://realtime-api.convai.com',
  ttsEnabled: true,
  connectionType: 'audio',
  iceTransportPolicy: 'relay',
  requestTimeoutMs: 10_000,
  backendRetries: 2,
  connectTimeoutMs: 15_000,
} as const satisfies Partial<ResolvedConfig>;

const TRANSPORTS: readonly TransportPreference[] = ['livekit', 'websocket', 'auto'];
const CONNECTION_TYPES: readonly ConnectionType[] = ['audio', 'video'];
const POLICIES: readonly RTCIceTransportPolicy[] = ['all', 'relay'];

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : 'a string';
  return `${typeof value}`;
}

function requireString(config: Record<string, unknown>, field: string): string {
  const value = config[field];
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new ConfigError(
      field,
      `Expected \`${field}\` to be a non-empty string, got ${describe(value)}.`,
    );
  }
  return value;
}

function optionalString(config: Record<string, unknown>, field: string): string | undefined {
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

function optionalBoolean(config: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = config[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigError(field, `Expected \`${field}\` to be a boolean, got ${describe(value)}.`);
  }
  return value;
}

function optionalOneOf<T extends string>(
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

function validateUrl(value: string, field: string, protocols: readonly string[]): string {
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

function requireHeaderValue(config: Record<string, unknown>, field: string): string {
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

function resolveNegotiation(input: unknown): ResolvedNegotiation {
  if (input === undefined) return { ...NEGOTIATION_DEFAULTS, cache: undefined };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError('negotiation', `Expected \`negotiation\` to be an object, got ${describe(input)}.`);
  }
  const n = input as Record<string, unknown>;
  const cache = n['cache'];
  if (
    cache !== undefined &&
    cache !== false &&
    (typeof cache !== 'object' ||
      cache === null ||
      typeof (cache as VerdictStore).getItem !== 'function' ||
      typeof (cache as VerdictStore).setItem !== 'function' ||
      typeof (cache as VerdictStore).removeItem !== 'function')
  ) {
    throw new ConfigError(
      'negotiation.cache',
      'Expected `negotiation.cache` to be false or a store with getItem, setItem and removeItem.',
    );
  }
  const prefixed = (field: string): Record<string, unknown> => ({ [`negotiation.${field}`]: n[field] });
  const int = (field: keyof typeof NEGOTIATION_DEFAULTS, min: number, max: number): number =>
    optionalInteger(prefixed(field), `negotiation.${field}`, NEGOTIATION_DEFAULTS[field] as number, min, max);
  const bool = (field: 'connectivityCheck' | 'fallbackOnConnectFailure' | 'handoffOnLoss'): boolean =>
    optionalBoolean(prefixed(field), `negotiation.${field}`, NEGOTIATION_DEFAULTS[field]);
  return {
    probeDeadlineMs: int('probeDeadlineMs', 50, 120_000),
    connectivityCheck: bool('connectivityCheck'),
    cache: cache as VerdictStore | false | undefined,
    cacheTtlMs: int('cacheTtlMs', 0, 7 * 24 * 3_600_000),
    chunkRetries: int('chunkRetries', 0, 10),
    fallbackOnConnectFailure: bool('fallbackOnConnectFailure'),
    handoffOnLoss: bool('handoffOnLoss'),
  };
}

/** Validates every field and fills defaults. Throws a `ConfigError` naming the first bad field. */
export function resolveConfig(input: unknown): ResolvedConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError('config', `Expected the config to be an object, got ${describe(input)}.`);
  }
  const config = input as Record<string, unknown>;
  const apiKey = requireHeaderValue(config, 'apiKey');
  const characterId = requireString(config, 'characterId');
  const url = validateUrl(optionalString(config, 'url') ?? CLIENT_DEFAULTS.url, 'url', ['https:', 'http:']);
  return {
    apiKey,
    characterId,
    transport: optionalOneOf(config, 'transport', TRANSPORTS, CLIENT_DEFAULTS.transport),
    startWithAudioOn: optionalBoolean(config, 'startWithAudioOn', CLIENT_DEFAULTS.startWithAudioOn),
    url,
    endUserId: optionalString(config, 'endUserId'),
    characterSessionId: optionalString(config, 'characterSessionId'),
    ttsEnabled: optionalBoolean(config, 'ttsEnabled', CLIENT_DEFAULTS.ttsEnabled),
    connectionType: optionalOneOf(config, 'connectionType', CONNECTION_TYPES, CLIENT_DEFAULTS.connectionType),
    iceTransportPolicy: optionalOneOf(config, 'iceTransportPolicy', POLICIES, CLIENT_DEFAULTS.iceTransportPolicy),
    iceServers: config['iceServers'] === undefined ? undefined : validateIceServers(config['iceServers']),
    requestTimeoutMs: optionalInteger(config, 'requestTimeoutMs', CLIENT_DEFAULTS.requestTimeoutMs, 1, 600_000),
    backendRetries: optionalInteger(config, 'backendRetries', CLIENT_DEFAULTS.backendRetries, 0, 10),
    connectTimeoutMs: optionalInteger(config, 'connectTimeoutMs', CLIENT_DEFAULTS.connectTimeoutMs, 1, 600_000),
    negotiation: resolveNegotiation(config['negotiation']),
  };
}
