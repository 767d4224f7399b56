import { ConvaiClient, type ClientInternals } from '../client/convai-client.js';
import type { ConvaiClientConfig, TransportPreference } from '../client/config.js';
import type { NegotiationEvent, NegotiationResult } from '../client/negotiation-types.js';

export interface ConnectConvaiOptions {
  /**
   * `'auto'` probes and picks; `'livekit'` and `'websocket'` skip the probe. Unlike
   * `ConvaiClient.connect()`, a forced `'websocket'` loads the WebSocket chunk itself.
   * @default 'auto'
   */
  readonly transport?: TransportPreference;
  /** Cancels the probe, the chunk load and the connect alike. */
  readonly signal?: AbortSignal;
  /** Each phase as it happens: probing, verdict, loading-fallback, connecting, fallback, connected. */
  readonly onProgress?: (event: NegotiationEvent) => void;
}

export interface ConnectConvaiResult {
  readonly client: ConvaiClient;
  readonly result: NegotiationResult;
}

/**
 * The negotiator's entry point: zero-config connect with fallback.
 * @example
 * const { client, result } = await connectConvai({ apiKey, characterId });
 * console.log(result.transport, result.reasons); // 'websocket', ['UDP_BLOCKED']
 */
export async function connectConvai(
  target: ConvaiClient | ConvaiClientConfig,
  options: ConnectConvaiOptions = {},
  internals?: ClientInternals,
): Promise<ConnectConvaiResult> {
  const client = target instanceof ConvaiClient ? target : new ConvaiClient({ transport: 'auto', ...target }, internals);
  const off = options.onProgress ? client.on('negotiation', options.onProgress) : undefined;
  try {
    await client.connect({ transport: options.transport ?? 'auto', ...(options.signal ? { signal: options.signal } : {}) });
  } finally {
    off?.();
  }
  // connect() resolved, so a negotiation result exists
  return { client, result: client.lastNegotiation as NegotiationResult };
}
