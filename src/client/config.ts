import { ConfigError } from '../errors/config-error.js';
import {
  describe,
  optionalBoolean,
  optionalInteger,
  optionalOneOf,
  optionalString,
  requireHeaderValue,
  requireString,
  validateIceServers,
  validateUrl,
} from '../util/fields.js';
import { resolveNegotiation, type NegotiationConfig, type ResolvedNegotiation } from './negotiation-config.js';

export { NEGOTIATION_DEFAULTS, type NegotiationConfig, type ResolvedNegotiation } from './negotiation-config.js';

import type { TransportPreference } from './negotiation-types.js';

export type { TransportPreference } from './negotiation-types.js';
export type ConnectionType = 'audio' | 'video';

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
  /**
   * Resume this conversation instead of starting a new one. `'-1'` (the Convai Web SDK
   * 1.2.0's "no session") means none. @example 'a1b2c3'
   */
  readonly characterSessionId?: string;
  /** Metadata about the end user, sent to the backend as `end_user_metadata`. @example { plan: 'pro' } */
  readonly endUserMetadata?: Readonly<Record<string, unknown>>;
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
  /**
   * Where the `/connect` answer for `transport: 'websocket'` puts the WebSocket URL. Convai does
   * not document that answer; these fields are tried in order, so an app can follow the real
   * service without waiting for a release.
   * @default ['ws_url', 'websocket_url']
   */
  readonly websocketUrlFields?: readonly string[];
  /**
   * Convai Web SDK 1.2.0 fields for video, screen share, lip-sync, emotion and actions:
   * accepted so 1.2.0 configs still construct, ignored with one console warning naming them.
   */
  readonly enableVideo?: boolean;
  readonly startWithVideoOn?: boolean;
  readonly enableLipsync?: boolean;
  readonly enableEmotion?: boolean;
  readonly blendshapeConfig?: Readonly<Record<string, unknown>>;
  readonly emotionConfig?: Readonly<Record<string, unknown>>;
  readonly actionConfig?: Readonly<Record<string, unknown>>;
}

/** 1.2.0 config fields this library accepts and ignores (out of scope: see the README's migration table). */
export const IGNORED_FIELDS = [
  'enableVideo',
  'startWithVideoOn',
  'enableLipsync',
  'enableEmotion',
  'blendshapeConfig',
  'emotionConfig',
  'actionConfig',
] as const;

const warned = new Set<string>();

/** One console warning per distinct set of ignored fields (StrictMode builds clients twice). */
function warnIgnored(config: Record<string, unknown>): void {
  const present = IGNORED_FIELDS.filter((field) => config[field] !== undefined);
  const key = present.join(',');
  if (present.length === 0 || warned.has(key)) return;
  warned.add(key);
  console.warn(
    `[ConvaiClient] Ignoring ${present.map((f) => `\`${f}\``).join(', ')}: video, screen share, lip-sync, emotion and actions are not supported by convai-transport.`,
  );
}

export interface ResolvedConfig {
  readonly apiKey: string;
  readonly characterId: string;
  readonly transport: TransportPreference;
  readonly startWithAudioOn: boolean;
  readonly url: string;
  readonly endUserId: string | undefined;
  readonly characterSessionId: string | undefined;
  readonly endUserMetadata: Readonly<Record<string, unknown>> | undefined;
  readonly ttsEnabled: boolean;
  readonly connectionType: ConnectionType;
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  readonly iceServers: readonly RTCIceServer[] | undefined;
  readonly requestTimeoutMs: number;
  readonly backendRetries: number;
  readonly connectTimeoutMs: number;
  readonly negotiation: ResolvedNegotiation;
  readonly websocketUrlFields: readonly string[];
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
  websocketUrlFields: Object.freeze(['ws_url', 'websocket_url']) as readonly string[],
} as const satisfies Partial<ResolvedConfig>;

const TRANSPORTS: readonly TransportPreference[] = ['livekit', 'websocket', 'auto'];
const CONNECTION_TYPES: readonly ConnectionType[] = ['audio', 'video'];
const POLICIES: readonly RTCIceTransportPolicy[] = ['all', 'relay'];

/** Validates every field and fills defaults. Throws a `ConfigError` naming the first bad field. */
export function resolveConfig(input: unknown): ResolvedConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError('config', `Expected the config to be an object, got ${describe(input)}.`);
  }
  const config = input as Record<string, unknown>;
  const apiKey = requireHeaderValue(config, 'apiKey');
  const characterId = requireString(config, 'characterId');
  warnIgnored(config);
  const sessionId = optionalString(config, 'characterSessionId');
  const metadata = config['endUserMetadata'];
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
    throw new ConfigError('endUserMetadata', `Expected \`endUserMetadata\` to be an object, got ${describe(metadata)}.`);
  }
  const url = validateUrl(optionalString(config, 'url') ?? CLIENT_DEFAULTS.url, 'url', ['https:', 'http:']);
  return {
    apiKey,
    characterId,
    transport: optionalOneOf(config, 'transport', TRANSPORTS, CLIENT_DEFAULTS.transport),
    startWithAudioOn: optionalBoolean(config, 'startWithAudioOn', CLIENT_DEFAULTS.startWithAudioOn),
    url,
    endUserId: optionalString(config, 'endUserId'),
    characterSessionId: sessionId === '-1' ? undefined : sessionId,
    endUserMetadata: metadata as Readonly<Record<string, unknown>> | undefined,
    ttsEnabled: optionalBoolean(config, 'ttsEnabled', CLIENT_DEFAULTS.ttsEnabled),
    connectionType: optionalOneOf(config, 'connectionType', CONNECTION_TYPES, CLIENT_DEFAULTS.connectionType),
    iceTransportPolicy: optionalOneOf(config, 'iceTransportPolicy', POLICIES, CLIENT_DEFAULTS.iceTransportPolicy),
    iceServers: config['iceServers'] === undefined ? undefined : validateIceServers(config['iceServers']),
    requestTimeoutMs: optionalInteger(config, 'requestTimeoutMs', CLIENT_DEFAULTS.requestTimeoutMs, 1, 600_000),
    backendRetries: optionalInteger(config, 'backendRetries', CLIENT_DEFAULTS.backendRetries, 0, 10),
    connectTimeoutMs: optionalInteger(config, 'connectTimeoutMs', CLIENT_DEFAULTS.connectTimeoutMs, 1, 600_000),
    negotiation: resolveNegotiation(config['negotiation']),
    websocketUrlFields: resolveUrlFields(config['websocketUrlFields']),
  };
}

function resolveUrlFields(value: unknown): readonly string[] {
  if (value === undefined) return CLIENT_DEFAULTS.websocketUrlFields;
  if (!Array.isArray(value) || value.length === 0 || !value.every((f) => typeof f === 'string' && f.length > 0)) {
    throw new ConfigError('websocketUrlFields', `Expected \`websocketUrlFields\` to be a non-empty array of field names, got ${describe(value)}.`);
  }
  return Object.freeze([...(value as string[])]);
}
