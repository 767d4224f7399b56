import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { ConvaiClient, type ClientInternals } from '../client/convai-client.js';
import type { ConvaiClientConfig } from '../client/config.js';
import type { ConvaiClientState } from '../client/state.js';

export interface UseConvaiClientOptions {
  /** Connect when the component mounts (once, StrictMode included). @default false */
  readonly autoConnect?: boolean;
  /** Disconnect when the component unmounts. @default true */
  readonly disconnectOnUnmount?: boolean;
}

/**
 * Disconnects scheduled by an unmount, per client. StrictMode unmounts and remounts
 * every component once in development; the remount cancels the timer, so the session
 * (or the connect under way) survives and nothing connects twice.
 */
const pendingDisconnects = new WeakMap<ConvaiClient, ReturnType<typeof setTimeout>>();

function cancelDisconnect(client: ConvaiClient): void {
  const timer = pendingDisconnects.get(client);
  if (timer === undefined) return;
  clearTimeout(timer);
  pendingDisconnects.delete(client);
}

function scheduleDisconnect(client: ConvaiClient): void {
  cancelDisconnect(client);
  // a timer, not a microtask: React may run the StrictMode remount after microtasks
  pendingDisconnects.set(
    client,
    setTimeout(() => {
      pendingDisconnects.delete(client);
      void client.disconnect();
    }, 0),
  );
}

/** Re-renders the component whenever the client's state changes. */
export function useConvaiState(client: ConvaiClient): ConvaiClientState {
  const subscribe = useCallback((onChange: () => void) => client.on('stateChange', onChange), [client]);
  const read = (): ConvaiClientState => client.state;
  return useSyncExternalStore(subscribe, read, read);
}

/**
 * A `ConvaiClient` for the life of the component: created once (later changes to
 * `config` are ignored; remount with a new `key` to change it), disconnected on
 * unmount, and its state drives re-renders.
 * @example
 * const client = useConvaiClient({ apiKey, characterId, transport: 'auto' });
 * return <ConvaiWidget convaiClient={client} />;
 */
export function useConvaiClient(
  config: ConvaiClientConfig,
  options: UseConvaiClientOptions = {},
  /** @internal test seam, as for `new ConvaiClient(config, internals)` */
  internals?: ClientInternals,
): ConvaiClient {
  // the constructor only validates config (no I/O), so StrictMode's double call is harmless
  const [client] = useState(() => new ConvaiClient(config, internals));
  useConvaiState(client);
  const autoConnect = options.autoConnect ?? false;
  const disconnectOnUnmount = options.disconnectOnUnmount ?? true;
  useEffect(() => {
    cancelDisconnect(client);
    // a second connect() while one is under way returns that one: at most one session
    if (autoConnect) client.connect().catch(() => undefined); // failures arrive as `error` events
    return () => {
      if (disconnectOnUnmount) scheduleDisconnect(client);
    };
  }, [client, autoConnect, disconnectOnUnmount]);
  return client;
}
