import type { TransportKind } from '../errors/transport-error.js';
import type { NegotiationReason, VerdictStore } from '../client/negotiation-types.js';

export interface RememberedVerdict {
  readonly transport: TransportKind;
  readonly reasons: readonly NegotiationReason[];
  /** WebSocket chosen on silence, not on evidence: a later visit tries WebRTC in the background. */
  readonly provisional?: boolean;
  /** Epoch ms. */
  readonly storedAt: number;
}

const PREFIX = 'convai-transport:verdict:';

/** An in-memory store, the default where `localStorage` is missing or throws (Safari private mode). */
export function memoryStore(): VerdictStore {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

const sharedMemory = memoryStore();

export function defaultStore(): VerdictStore {
  try {
    const ls = (globalThis as { localStorage?: VerdictStore }).localStorage;
    if (ls) {
      const probe = `${PREFIX}probe`;
      ls.setItem(probe, '1');
      ls.removeItem(probe);
      return ls;
    }
  } catch {
    // storage denied: fall through to memory
  }
  return sharedMemory;
}

/** FNV-1a, 32 bit: a short stable key, not a security measure (the inputs hold no secrets). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

export interface CacheKeyInput {
  readonly url: string;
  readonly iceServerUrls: readonly string[];
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  /** Whatever identifies the network; see `networkHint()`. */
  readonly network: string;
}

/**
 * The key covers the configuration (backend, ICE server URLs without credentials,
 * policy) and the network as far as a page can tell, so a laptop that moves from
 * office to home Wi-Fi, or a changed TURN setup, does not reuse the old verdict.
 */
export function cacheKey(input: CacheKeyInput): string {
  const servers = [...input.iceServerUrls].sort().join(',');
  return PREFIX + fnv1a(`${input.url}|${servers}|${input.iceTransportPolicy}|${input.network}`);
}

/**
 * Browsers expose no network identity. The Network Information API's type and
 * effective type (Chromium) tell Wi-Fi from cellular at least; the TTL bounds the rest.
 */
export function networkHint(): string {
  const nav = (globalThis as { navigator?: { connection?: { type?: string; effectiveType?: string } } }).navigator;
  const c = nav?.connection;
  return c ? `${c.type ?? '?'}/${c.effectiveType ?? '?'}` : 'unknown';
}

export async function readVerdict(store: VerdictStore, key: string, ttlMs: number, now = Date.now()): Promise<RememberedVerdict | undefined> {
  let raw: string | null;
  try {
    raw = await store.getItem(key);
  } catch {
    return undefined;
  }
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<RememberedVerdict>;
    if (
      (parsed.transport === 'livekit' || parsed.transport === 'websocket') &&
      typeof parsed.storedAt === 'number' &&
      Array.isArray(parsed.reasons) &&
      // anything may be in storage: a non-string reason would throw in every UI that labels it
      parsed.reasons.every((r) => typeof r === 'string') &&
      (parsed.provisional === undefined || typeof parsed.provisional === 'boolean') &&
      now - parsed.storedAt >= 0 &&
      now - parsed.storedAt < ttlMs
    ) {
      return parsed as RememberedVerdict;
    }
  } catch {
    // a corrupt entry is treated as absent and overwritten on the next success
  }
  return undefined;
}

export async function writeVerdict(store: VerdictStore, key: string, verdict: RememberedVerdict): Promise<void> {
  try {
    await store.setItem(key, JSON.stringify(verdict));
  } catch {
    // quota or denied storage: remembering is an optimisation, never a failure
  }
}

export async function forgetVerdict(store: VerdictStore, key: string): Promise<void> {
  try {
    await store.removeItem(key);
  } catch {
    // see writeVerdict
  }
}
