// The Pipecat session's errors, built in one place so codes and wording stay consistent.
import { ConfigError } from '../errors/config-error.js';
import { TransportError } from '../errors/transport-error.js';

export function checkWsUrl(value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) {
    throw new ConfigError('wsUrl', 'Expected `wsUrl` (the `ws_url` of the `/connect` answer) to be a ws: or wss: URL.');
  }
  return url.toString();
}

export function botReadyTimeout(ms: number): TransportError {
  return new TransportError('BOT_READY_TIMEOUT', `The bot did not send bot-ready within ${ms} ms.`, { transport: 'websocket' });
}

export function connectTimeout(ms: number): TransportError {
  return new TransportError('CONNECT_TIMEOUT', `The WebSocket did not open within ${ms} ms.`, { transport: 'websocket' });
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
