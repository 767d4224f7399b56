import pRetry from 'p-retry';
import { TransportError } from '../errors/transport-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import { getWebSocketFactory } from '../client/websocket-registry.js';

/**
 * Loads the module behind `convai-transport/websocket`; importing it registers the
 * factory. The `auto` entry supplies `() => import('./websocket.js')`, the only
 * dynamic import of the WebSocket module: bundlers turn it into a lazy chunk.
 */
export type WebSocketModuleLoader = () => Promise<unknown>;

export interface LoadOptions {
  readonly loader: WebSocketModuleLoader;
  readonly signal?: AbortSignal;
  /** @default 2 */
  readonly retries?: number;
}

/**
 * Loads the WebSocket chunk (a flaky network can fail a chunk request), retrying with
 * p-retry. Skips the request when a factory is registered already (the app imported
 * the subpath itself, or an earlier fallback loaded it).
 */
export async function loadWebSocketTransport(options: LoadOptions): Promise<{ loaded: boolean }> {
  if (getWebSocketFactory()) return { loaded: false };
  try {
    await pRetry(
      async () => {
        try {
          await options.loader();
        } catch (error) {
          // A failed chunk request is a TypeError ("Failed to fetch dynamically imported
          // module"), which p-retry treats as a programming error and never retries.
          throw new Error(error instanceof Error ? error.message : String(error), { cause: error });
        }
        if (!getWebSocketFactory()) throw new Error('the module loaded but registered no factory');
      },
      { retries: options.retries ?? 2, minTimeout: 100, factor: 2, ...(options.signal ? { signal: options.signal } : {}) },
    );
  } catch (error) {
    if (options.signal?.aborted) throw new AbortedError('Loading the WebSocket transport', options.signal.reason);
    throw new TransportError(
      'CHUNK_LOAD_FAILED',
      `Could not load the WebSocket transport chunk: ${error instanceof Error ? error.message : String(error)}`,
      { transport: 'websocket', cause: error },
    );
  }
  return { loaded: true };
}
