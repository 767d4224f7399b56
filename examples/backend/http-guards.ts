import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';

/**
 * Small guards for the dev servers. They listen on loopback only, but any page the browser
 * opens can reach loopback ports, and DNS rebinding can make such a page same-origin with
 * them: so keys are compared in constant time, WebSocket sessions need what `/connect`
 * issued, and the static server answers only loopback host names.
 */

/** Constant-time equality of two secrets of any length (hashed first, so lengths do not leak). */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** `Host` header value -> true for a loopback name, with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return LOOPBACK_NAMES.has(name.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * An `Origin` header from a page served on loopback or on the host the request came to
 * (tests in a network namespace reach the backend on their veth address), or none (not a
 * browser).
 */
export function isAllowedOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    const sameHost = host !== undefined && url.hostname === new URL(`http://${host}`).hostname;
    return (url.protocol === 'http:' || url.protocol === 'https:') && (isLoopbackHost(url.host) || sameHost);
  } catch {
    return false;
  }
}

/** Ends an upgrade request with a plain HTTP answer. */
export function refuseUpgrade(socket: Duplex, status: number, text: string, message = text): void {
  const body = Buffer.from(message, 'utf8');
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\n` +
      `connection: close\r\n\r\n${message}`,
  );
}

/** `decodeURIComponent` that returns undefined instead of throwing a URIError. */
export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * One-time tokens per session id: `/connect` issues one with the `ws_url`, the socket
 * upgrade spends it. Unspent tokens expire; the table is bounded for a long-running demo.
 */
export class SessionTokens {
  private readonly tokens = new Map<string, { token: string; expires: number }>();
  /** The latest tokens issued, spent or not: a test scans logs for them. */
  readonly issued: string[] = [];

  constructor(
    private readonly ttlMs = 60_000,
    private readonly max = 10_000,
  ) {}

  issue(id: string): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.delete(id);
    this.tokens.set(id, { token, expires: Date.now() + this.ttlMs });
    if (this.tokens.size > this.max) this.tokens.delete(this.tokens.keys().next().value as string);
    this.issued.push(token);
    if (this.issued.length > 1_000) this.issued.shift();
    return token;
  }

  /** True once for the token issued for `id`; false for anything else. */
  spend(id: string, token: string | null): boolean {
    const entry = this.tokens.get(id);
    if (!entry || entry.expires < Date.now()) {
      this.tokens.delete(id);
      return false;
    }
    if (!sameSecret(token ?? '', entry.token)) return false;
    this.tokens.delete(id);
    return true;
  }
}
