import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { ConvaiClient, ClientInternals } from '../client/convai-client.js';
import type { ConvaiClientEvents } from '../client/client-events.js';
import { ReactConvaiClient } from './react-client.js';
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

/** What a render may read: state, chat log, transcription, bot readiness, mic. */
const RENDER_EVENTS: readonly (keyof ConvaiClientEvents)[] = [
  'stateChange',
  'messagesChange',
  'userTranscriptionChange',
  'botReady',
  'audioMuteChange',
  'connect',
  'disconnect',
];

/** Re-renders the component whenever the client's state changes. */
export function useConvaiState(client: ConvaiClient): ConvaiClientState {
  const subscribe = useCallback((onChange: () => void) => client.on('stateChange', onChange), [client]);
  const read = (): ConvaiClientState => client.state;
  return useSyncExternalStore(subscribe, read, read);
}

/** Re-renders on every event a render may read (1.2.0's hook kept each in React state). */
function useClientVersion(client: ConvaiClient): number {
  const [store] = useState(() => {
    let version = 0;
    return {
      subscribe: (onChange: () => void) => {
        const offs = RENDER_EVENTS.map((event) =>
          client.on(event, () => {
            version += 1;
            onChange();
          }),
        );
        return () => offs.forEach((off) => off());
      },
      read: () => version,
    };
  });
  return useSyncExternalStore(store.subscribe, store.read, store.read);
}

/**
 * A `ConvaiClient` for the life of the component: created once (later changes to
 * `config` are ignored; remount with a new `key` to change it), disconnected on
 * unmount, and its state, chat log, transcription and mic drive re-renders. It also has
 * the fields 1.2.0's hook added (`activity`, `isAudioMuted`, ...; see `ReactConvaiClient`).
 * @example
 * const client = useConvaiClient({ apiKey, characterId, transport: 'auto' });
 * return <ConvaiWidget convaiClient={client} />;
 */
export function useConvaiClient(
  config: ConvaiClientConfig,
  options: UseConvaiClientOptions = {},
  /** @internal test seam, as for `new ConvaiClient(config, internals)` */
  internals?: ClientInternals,
): ReactConvaiClient {
  // the constructor validates config and, for 'auto', starts the page-wide host hint (shared, so
  // StrictMode's double call costs nothing more); it makes no request to the backend
  const [client] = useState(() => new ReactConvaiClient(config, internals));
  useClientVersion(client);
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
