import type { WebSocketTransportFactory } from '../transports/transport-session.js';

/**
 * The slot lives on `globalThis` under a registered symbol so that the ESM and the
 * CJS copy of this package (the dual-package hazard), or two bundled copies, share
 * one registry: `import 'convai-transport/websocket'` must work whichever copy the
 * app's `ConvaiClient` came from.
 */
const SLOT = Symbol.for('convai-transport.websocket-factory');

type Slot = { [SLOT]?: WebSocketTransportFactory };

export function setWebSocketFactory(factory: WebSocketTransportFactory | undefined): void {
  (globalThis as Slot)[SLOT] = factory;
}

export function getWebSocketFactory(): WebSocketTransportFactory | undefined {
  return (globalThis as Slot)[SLOT];
}

/** The package name used in the "not registered" message; kept in one place. */
export const PACKAGE_NAME = 'convai-transport';

export const NOT_REGISTERED_MESSAGE =
  '[ConvaiClient] WebSocket transport is not registered.\n' +
  `Add \`import '${PACKAGE_NAME}/websocket'\` before calling connect().`;
