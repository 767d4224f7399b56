import type { WebSocketTransportFactory } from '../transports/transport-session.js';
import { globalSlot } from '../util/global-slot.js';

const slot = globalSlot<WebSocketTransportFactory>('convai-transport.websocket-factory');

export const setWebSocketFactory = slot.set;
export const getWebSocketFactory = slot.get;

/** The package name used in the "not registered" messages; kept in one place. */
export const PACKAGE_NAME = 'convai-transport';

/** The seed's text, with only the package name changed. */
export const NOT_REGISTERED_MESSAGE =
  '[ConvaiClient] WebSocket transport is not registered.\n' +
  `Add \`import '${PACKAGE_NAME}/vanilla/websocket'\` before calling connect().`;
