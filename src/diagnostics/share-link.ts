import { parseIceUrl } from '../../probes/ice-url.js';

/** What a shareable link carries: the probe's settings, never a credential. */
export interface SharedSettings {
  /** STUN/TURN URLs only (a username or credential is never part of one). */
  readonly iceUrls: readonly string[];
  /** Scheme, host, port and path only: no query, no user info. */
  readonly wsUrl?: string;
  readonly deadlineMs?: number;
  readonly policy?: 'relay' | 'all';
}

/**
 * Rebuilds a STUN/TURN URL from its parsed parts, so nothing but scheme, host, port and
 * transport can pass (an allow-list, not a search for secrets).
 */
function cleanIceUrl(url: string): string | undefined {
  try {
    const p = parseIceUrl(url, 'url');
    // host names and IP literals only: `turn:user:pass@host` must not slip through as a host
    if (!/^[A-Za-z0-9.-]+$|^[0-9A-Fa-f:.]+$/.test(p.host)) return undefined;
    const host = p.host.includes(':') ? `[${p.host}]` : p.host;
    const query = p.scheme === 'turn' ? `?transport=${p.transport}` : '';
    return `${p.scheme}:${host}:${p.port}${query}`;
  } catch {
    return undefined;
  }
}

/** Keeps only the origin and path of a ws:/wss: URL: tokens travel in queries and user info. */
function cleanWsUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') return undefined;
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return undefined;
  }
}

/** The URLs of some `RTCIceServer`s, without their usernames and credentials. */
export function iceUrlsOf(servers: readonly RTCIceServer[]): string[] {
  return servers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : [...s.urls]));
}

/**
 * A link to `base` whose query carries the settings (`ice`, `ws`, `deadline`, `policy`).
 * Other query parameters of `base` are dropped: a page URL may itself hold a token.
 */
export function buildShareLink(base: string, settings: SharedSettings): string {
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.username = '';
  url.password = '';
  for (const ice of settings.iceUrls) {
    const clean = cleanIceUrl(ice);
    if (clean) url.searchParams.append('ice', clean);
  }
  const ws = settings.wsUrl === undefined ? undefined : cleanWsUrl(settings.wsUrl);
  if (ws) url.searchParams.set('ws', ws);
  if (settings.deadlineMs !== undefined) url.searchParams.set('deadline', String(settings.deadlineMs));
  if (settings.policy) url.searchParams.set('policy', settings.policy);
  return url.toString();
}

/**
 * Reads the settings back from a link's query. Values that do not parse are left out
 * (the page then uses its defaults), and credentials are never read from a link: the app
 * supplies them (`ice=turn:host:3478?transport=udp,user,pass` yields only the URL).
 */
export function readShareLink(search: string | URLSearchParams): SharedSettings {
  const q = typeof search === 'string' ? new URLSearchParams(search) : search;
  const iceUrls = q
    .getAll('ice')
    .map((v) => cleanIceUrl(v.split(',')[0]!.trim()))
    .filter((u): u is string => u !== undefined);
  const ws = q.get('ws');
  const wsUrl = ws ? cleanWsUrl(ws) : undefined;
  const deadline = Number(q.get('deadline'));
  const policy = q.get('policy');
  return {
    iceUrls,
    ...(wsUrl ? { wsUrl } : {}),
    ...(Number.isInteger(deadline) && deadline > 0 ? { deadlineMs: deadline } : {}),
    ...(policy === 'relay' || policy === 'all' ? { policy } : {}),
  };
}
