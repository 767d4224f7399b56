/**
 * A value kept on `globalThis` under a registered symbol, so that the ESM and the CJS
 * copy of this package (the dual-package hazard), or two bundled copies, share it:
 * `import 'convai-transport/websocket'` must work whichever copy the app's
 * `ConvaiClient` came from.
 */
export interface GlobalSlot<T> {
  get(): T | undefined;
  set(value: T | undefined): void;
}

export function globalSlot<T>(name: string): GlobalSlot<T> {
  const key = Symbol.for(name);
  const host = globalThis as Record<symbol, T | undefined>;
  return {
    get: () => host[key],
    set: (value) => {
      host[key] = value;
    },
  };
}
