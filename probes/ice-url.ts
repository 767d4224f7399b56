import { ConfigError } from '../src/errors/config-error.js';
import { redactIceUrl } from '../src/util/redact.js';
import type { ServerTransport } from './types.js';

export interface ParsedIceUrl {
  readonly scheme: 'stun' | 'stuns' | 'turn' | 'turns';
  readonly host: string;
  readonly port: number;
  readonly transport: ServerTransport;
}

const DEFAULT_PORT = { stun: 3478, stuns: 5349, turn: 3478, turns: 5349 } as const;

/**
 * Parses a STUN/TURN URL (RFC 7064, RFC 7065) strictly enough to name the bad part
 * before any peer connection sees it; browsers throw a bare SyntaxError instead.
 */
export function parseIceUrl(url: string, field: string): ParsedIceUrl {
  const match = /^(stuns?|turns?):(\[[0-9a-fA-F:.]+\]|[^\s:?[\]/]+)(?::([^?]*))?(?:\?(.*))?$/i.exec(url);
  if (!match) {
    throw new ConfigError(field, `Expected \`${field}\` to look like turn:host[:port][?transport=udp|tcp], got '${redactIceUrl(url)}'.`);
  }
  const scheme = match[1]!.toLowerCase() as ParsedIceUrl['scheme'];
  const host = match[2]!.replace(/^\[|\]$/g, '');
  let port: number = DEFAULT_PORT[scheme];
  if (match[3] !== undefined) {
    port = Number(match[3]);
    if (!/^\d+$/.test(match[3]) || port < 1 || port > 65_535) {
      // the value is not echoed: `turn:alice:S3cret` puts a password where the port goes
      throw new ConfigError(field, `Expected the port in \`${field}\` to be a number from 1 to 65535.`);
    }
  }
  let transport: ServerTransport = scheme === 'turns' || scheme === 'stuns' ? 'tls' : 'udp';
  if (match[4] !== undefined) {
    if (scheme.startsWith('stun')) {
      throw new ConfigError(field, `\`${field}\`: a STUN URL takes no query (RFC 7064).`);
    }
    const param = /^transport=(udp|tcp)$/i.exec(match[4]);
    if (!param) {
      throw new ConfigError(field, `Expected \`${field}\` to end in ?transport=udp or ?transport=tcp.`);
    }
    const asked = param[1]!.toLowerCase() as 'udp' | 'tcp';
    // turns: is TLS over TCP whatever the parameter says (RFC 7065 section 3)
    transport = scheme === 'turns' ? 'tls' : asked;
  }
  return { scheme, host, port, transport };
}
