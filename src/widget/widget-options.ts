import { ConvaiClient } from '../client/convai-client.js';
import type { ConvaiClientConfig } from '../client/config.js';
import type { ChatMessage } from '../client/chat-log.js';
import { ConfigError } from '../errors/config-error.js';

/**
 * Options of `createConvaiWidget`: a client to drive, or (as in the Convai Web SDK
 * 1.2.0) the config of one for the widget to make; any `ConvaiClientConfig` field is
 * passed on to that client.
 */
export interface ConvaiWidgetOptions extends Partial<ConvaiClientConfig> {
  /** The client the widget drives. The widget never disconnects a client it was given. */
  readonly convaiClient?: ConvaiClient;
  /** @default 'Convai' */
  readonly title?: string;
  /** Meter the mic (opens a second capture of it; see `LevelMeterOptions.micMeter`). @default true */
  readonly micMeter?: boolean;
  /** Called when the client connects. */
  readonly onConnect?: () => void;
  /** Called when a connected client disconnects. */
  readonly onDisconnect?: () => void;
  /** Called with the last chat message whenever the conversation changes. */
  readonly onMessage?: (message: ChatMessage) => void;
  /** 1.2.0 options accepted for compatibility; this widget has no video, screen share or separate voice mode. */
  readonly showVideo?: boolean;
  readonly showScreenShare?: boolean;
  readonly defaultVoiceMode?: boolean;
}

const WIDGET_ONLY = new Set([
  'convaiClient',
  'title',
  'micMeter',
  'onConnect',
  'onDisconnect',
  'onMessage',
  'showVideo',
  'showScreenShare',
  'defaultVoiceMode',
]);

/** The client a widget drives, and whether the widget made it (and so ends it on destroy). */
export function resolveWidgetClient(options: ConvaiWidgetOptions): { client: ConvaiClient; owned: boolean } {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options', 'Expected widget options with `convaiClient`, or `apiKey` and `characterId`.');
  }
  for (const field of ['onConnect', 'onDisconnect', 'onMessage'] as const) {
    if (options[field] !== undefined && typeof options[field] !== 'function') {
      throw new ConfigError(field, `Expected \`${field}\` to be a function.`);
    }
  }
  if (options.convaiClient !== undefined) {
    if (typeof options.convaiClient?.on !== 'function') {
      throw new ConfigError('convaiClient', 'Expected `convaiClient` to be a ConvaiClient.');
    }
    return { client: options.convaiClient, owned: false };
  }
  if (options.apiKey === undefined && options.characterId === undefined) {
    throw new ConfigError('convaiClient', 'Expected `convaiClient`, or `apiKey` and `characterId` for the widget to make a client.');
  }
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (!WIDGET_ONLY.has(key)) config[key] = value;
  // resolveConfig names a missing or bad field (`apiKey`, `characterId`, ...)
  return { client: new ConvaiClient(config as unknown as ConvaiClientConfig), owned: true };
}

/** Wires the 1.2.0 callbacks; returns their unsubscribe. */
export function attachWidgetCallbacks(client: ConvaiClient, options: ConvaiWidgetOptions): () => void {
  const offs: (() => void)[] = [];
  const { onConnect, onDisconnect, onMessage } = options;
  if (onConnect) offs.push(client.on('connect', () => onConnect()));
  if (onDisconnect) offs.push(client.on('disconnect', () => onDisconnect()));
  if (onMessage) offs.push(client.on('message', (message) => onMessage(message)));
  return () => {
    for (const off of offs) off();
  };
}
