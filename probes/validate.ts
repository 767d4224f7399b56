import { ConfigError } from '../src/errors/config-error.js';
import { optionalInteger, validateIceServers } from '../src/util/fields.js';
import { parseIceUrl, type ParsedIceUrl } from './ice-url.js';
import { PROBE_DEFAULTS, type ProbeOptions } from './types.js';

/** One URL of one configured server: the probe gathers from each separately. */
export interface ProbeTarget {
  readonly serverIndex: number;
  readonly url: string;
  readonly parsed: ParsedIceUrl;
  readonly username: string | undefined;
  readonly credential: string | undefined;
}

export interface ResolvedProbeOptions {
  readonly targets: readonly ProbeTarget[];
  readonly policy: 'relay' | 'all';
  readonly deadlineMs: number;
  readonly connectivityCheck: boolean;
  readonly thorough: boolean;
  readonly hostCandidates: boolean;
  readonly wsUrl: string | undefined;
  /** Every secret in the options, for redaction of anything that leaves the probe. */
  readonly secrets: readonly string[];
}

/** Checks every option and names the first bad field. Runs before any network activity. */
export function resolveProbeOptions(options: ProbeOptions): ResolvedProbeOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options', 'Expected the probe options to be an object.');
  }
  const raw = options as unknown as Record<string, unknown>;
  const servers = validateIceServers(raw['iceServers'], 'iceServers');
  const targets: ProbeTarget[] = [];
  const secrets: string[] = [];
  servers.forEach((server, i) => {
    const urls = typeof server.urls === 'string' ? [server.urls] : server.urls;
    urls.forEach((url, j) => {
      const field = typeof server.urls === 'string' ? `iceServers[${i}].urls` : `iceServers[${i}].urls[${j}]`;
      targets.push({
        serverIndex: i,
        url,
        parsed: parseIceUrl(url, field),
        username: server.username,
        credential: typeof server.credential === 'string' ? server.credential : undefined,
      });
    });
    if (typeof server.credential === 'string') secrets.push(server.credential);
  });
  // only `undefined` means unset: `null` is a wrong value, as in the client's config
  const policy = raw['iceTransportPolicy'] === undefined ? PROBE_DEFAULTS.iceTransportPolicy : raw['iceTransportPolicy'];
  if (policy !== 'relay' && policy !== 'all') {
    throw new ConfigError('iceTransportPolicy', `Expected \`iceTransportPolicy\` to be 'relay' or 'all', got ${JSON.stringify(policy)}.`);
  }
  const deadlineMs = optionalInteger(raw, 'deadlineMs', PROBE_DEFAULTS.deadlineMs, 1, 600_000);
  for (const field of ['connectivityCheck', 'thorough', 'hostCandidates'] as const) {
    if (raw[field] !== undefined && typeof raw[field] !== 'boolean') {
      throw new ConfigError(field, `Expected \`${field}\` to be a boolean.`);
    }
  }
  let wsUrl: string | undefined;
  if (raw['wsUrl'] !== undefined) {
    const value = raw['wsUrl'];
    let protocol = '';
    try {
      protocol = new URL(String(value)).protocol;
    } catch {
      // reported below
    }
    if (typeof value !== 'string' || (protocol !== 'ws:' && protocol !== 'wss:')) {
      throw new ConfigError('wsUrl', 'Expected `wsUrl` to be an absolute ws: or wss: URL.');
    }
    wsUrl = value;
  }
  for (const field of ['RTCPeerConnection', 'WebSocket', 'onProgress'] as const) {
    if (raw[field] !== undefined && typeof raw[field] !== 'function') {
      throw new ConfigError(field, `Expected \`${field}\` to be a function (a constructor) when set.`);
    }
  }
  if (raw['signal'] !== undefined && !(typeof raw['signal'] === 'object' && raw['signal'] !== null && 'aborted' in raw['signal'])) {
    throw new ConfigError('signal', 'Expected `signal` to be an AbortSignal.');
  }
  return {
    targets,
    policy,
    deadlineMs,
    connectivityCheck: (raw['connectivityCheck'] as boolean | undefined) ?? PROBE_DEFAULTS.connectivityCheck,
    thorough: (raw['thorough'] as boolean | undefined) ?? PROBE_DEFAULTS.thorough,
    hostCandidates: (raw['hostCandidates'] as boolean | undefined) ?? PROBE_DEFAULTS.hostCandidates,
    wsUrl,
    secrets,
  };
}
