import { ConfigError } from '../errors/config-error.js';
import { describe, optionalBoolean, optionalInteger } from '../util/fields.js';
import type { VerdictStore } from './negotiation-types.js';

/** How `transport: 'auto'` decides. Defaults live in `NEGOTIATION_DEFAULTS`. */
export interface NegotiationConfig {
  /**
   * Upper bound of the probe's deadline. The deadline itself scales with the link: ten
   * times the measured `/connect` round trip, at least 300 ms, at most this. A network
   * that silently drops UDP never answers: at the deadline WebSocket is chosen
   * provisionally while the LiveKit attempt goes on (see `upgrade`).
   * @default 1000
   */
  readonly probeDeadlineMs?: number;
  /**
   * After gathering, also connect two local peer connections through the relay. The
   * LiveKit connect that runs beside the probe already proves the path, so this only
   * adds load. @default false
   */
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
  /**
   * After a provisional WebSocket choice (no evidence either way in time), or when the
   * browser reports a network change during a WebSocket session, keep trying WebRTC in
   * the background and move the conversation onto it when it connects (`negotiation`
   * event phase `'upgrade'`; same `character_session_id`; no `disconnect`).
   * @default true
   */
  readonly upgrade?: boolean;
  /** How long the background WebRTC attempts go on. @default 15000 */
  readonly upgradeWindowMs?: number;
}

export interface ResolvedNegotiation {
  readonly probeDeadlineMs: number;
  readonly connectivityCheck: boolean;
  readonly cache: VerdictStore | false | undefined;
  readonly cacheTtlMs: number;
  readonly chunkRetries: number;
  readonly fallbackOnConnectFailure: boolean;
  readonly handoffOnLoss: boolean;
  readonly upgrade: boolean;
  readonly upgradeWindowMs: number;
}

export const NEGOTIATION_DEFAULTS = {
  probeDeadlineMs: 1_000,
  connectivityCheck: false,
  cacheTtlMs: 600_000,
  chunkRetries: 2,
  fallbackOnConnectFailure: true,
  handoffOnLoss: true,
  upgrade: true,
  upgradeWindowMs: 15_000,
} as const satisfies Partial<ResolvedNegotiation>;

export function resolveNegotiation(input: unknown): ResolvedNegotiation {
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
  const bool = (field: 'connectivityCheck' | 'fallbackOnConnectFailure' | 'handoffOnLoss' | 'upgrade'): boolean =>
    optionalBoolean(prefixed(field), `negotiation.${field}`, NEGOTIATION_DEFAULTS[field]);
  return {
    probeDeadlineMs: int('probeDeadlineMs', 50, 120_000),
    connectivityCheck: bool('connectivityCheck'),
    cache: cache as VerdictStore | false | undefined,
    cacheTtlMs: int('cacheTtlMs', 0, 7 * 24 * 3_600_000),
    chunkRetries: int('chunkRetries', 0, 10),
    fallbackOnConnectFailure: bool('fallbackOnConnectFailure'),
    handoffOnLoss: bool('handoffOnLoss'),
    upgrade: bool('upgrade'),
    upgradeWindowMs: int('upgradeWindowMs', 0, 600_000),
  };
}

