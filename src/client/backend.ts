import pRetry, { AbortError as RetryAbort } from 'p-retry';
import { BackendError } from '../errors/backend-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import { ConfigError } from '../errors/config-error.js';
import type { ResolvedConfig } from './config.js';
import { validateIceServers } from '../util/fields.js';
import type { ConnectTarget, TransportKind } from '../transports/transport-session.js';
import { linkSignal } from '../util/abort.js';
import { isWellFormedIceUrl } from '../util/ice-url-shape.js';
import { redact, redactUrl, redactUrlsIn } from '../util/redact.js';

/** What `POST {url}/connect` gave us, checked and renamed. */
export interface BackendSession {
  readonly characterSessionId: string | undefined;
  readonly target: ConnectTarget;
  /** ICE servers the backend offered (the local backend returns its coturn). */
  readonly iceServers: readonly RTCIceServer[] | undefined;
}

export interface BackendRequestOptions {
  readonly signal?: AbortSignal;
  /** Overrides `config.characterSessionId` (reconnect and handoff resume a session). */
  readonly characterSessionId?: string;
  /** Injected for tests and for non-browser runtimes. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Where a note about a dropped part of the answer goes. @default console.warn */
  readonly onWarning?: (message: string) => void;
}

type ConnectConfig = Pick<
  ResolvedConfig,
  | 'apiKey'
  | 'characterId'
  | 'url'
  | 'connectionType'
  | 'ttsEnabled'
  | 'endUserId'
  | 'endUserMetadata'
  | 'characterSessionId'
  | 'requestTimeoutMs'
  | 'backendRetries'
  | 'websocketUrlFields'
>;

function buildBody(config: ConnectConfig, transport: TransportKind, sessionId: string | undefined): string {
  const body: Record<string, unknown> = {
    character_id: config.characterId,
    transport,
    connection_type: config.connectionType,
    default_tts_enabled: config.ttsEnabled,
  };
  if (config.endUserId !== undefined) body['end_user_id'] = config.endUserId;
  if (config.endUserMetadata !== undefined) body['end_user_metadata'] = config.endUserMetadata;
  if (sessionId !== undefined) body['character_session_id'] = sessionId;
  return JSON.stringify(body);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** One `ice_servers` entry as the probe and RTCPeerConnection will need it, or why not. */
function iceServerProblem(entry: unknown): string | undefined {
  try {
    validateIceServers([entry], 'entry');
  } catch (error) {
    // the field path, never the message: the entry may hold a credential
    return error instanceof ConfigError ? error.field.replace(/^entry\[0\]\.?/, '') || 'entry' : 'entry';
  }
  const { urls } = entry as RTCIceServer;
  const list = typeof urls === 'string' ? [urls] : urls;
  const bad = list.findIndex((url) => !isWellFormedIceUrl(url));
  return bad === -1 ? undefined : typeof urls === 'string' ? 'urls' : `urls[${bad}]`;
}

/**
 * The backend's ICE servers, keeping only well-formed entries. A bad entry is the backend's
 * mistake, not the app's: failing `connect()` with INVALID_CONFIG on a field the app never
 * set would also stop `'auto'` from falling back. So it is dropped with one warning.
 */
function parseIceServers(value: unknown, warn: (message: string) => void): readonly RTCIceServer[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    warn('`/connect` answered with `ice_servers` that is not an array: ignored.');
    return undefined;
  }
  const kept: RTCIceServer[] = [];
  const dropped: string[] = [];
  value.forEach((entry: unknown, i) => {
    const problem = iceServerProblem(entry);
    if (problem === undefined) kept.push(entry as RTCIceServer);
    else dropped.push(`ice_servers[${i}] (${problem})`);
  });
  if (dropped.length > 0) {
    warn(`\`/connect\` answered with malformed ICE servers, dropped: ${dropped.join(', ')}.`);
  }
  return kept.length > 0 ? kept : undefined;
}

export function parseConnectResponse(
  json: unknown,
  transport: TransportKind,
  warn: (message: string) => void = (message) => console.warn(`[ConvaiClient] ${message}`),
  /** Convai's WebSocket answer is undocumented: where to look for the URL (`config.websocketUrlFields`). */
  wsUrlFields: readonly string[] = ['ws_url', 'websocket_url'],
): BackendSession {
  if (typeof json !== 'object' || json === null) {
    throw new BackendError('BACKEND_BAD_RESPONSE', '`/connect` answered with something other than a JSON object.');
  }
  const body = json as Record<string, unknown>;
  const characterSessionId = str(body['character_session_id']);
  const iceServers = parseIceServers(body['ice_servers'], warn);
  if (transport === 'livekit') {
    const roomUrl = str(body['room_url']);
    const token = str(body['token']);
    if (!roomUrl || !token) {
      const missing = !roomUrl ? 'room_url' : 'token';
      throw new BackendError('BACKEND_BAD_RESPONSE', `\`/connect\` response for LiveKit is missing \`${missing}\`.`);
    }
    return { characterSessionId, iceServers, target: { transport, roomUrl, token } };
  }
  const wsUrl = wsUrlFields.map((field) => str(body[field])).find((value) => value !== undefined);
  if (!wsUrl) {
    throw new BackendError('BACKEND_BAD_RESPONSE', `\`/connect\` response for WebSocket is missing \`${wsUrlFields.join('` or `')}\`.`);
  }
  return { characterSessionId, iceServers, target: { transport, wsUrl } };
}

async function readMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const message = str(json['message']) ?? str(json['error']) ?? str(json['detail']);
    if (message) return message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 300) || response.statusText || 'no message';
}

/**
 * `POST {url}/connect`. Retries (p-retry, exponential) on network errors, timeouts
 * and 5xx only: a 4xx means the request itself is wrong and would fail again.
 */
export async function requestSession(
  config: ConnectConfig,
  transport: TransportKind,
  options: BackendRequestOptions = {},
): Promise<BackendSession> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const endpoint = `${config.url}/connect`;
  const shown = redactUrl(endpoint);
  const body = buildBody(config, transport, options.characterSessionId ?? config.characterSessionId);
  const secrets = [config.apiKey];
  let headers: Headers;
  try {
    headers = new Headers({ 'content-type': 'application/json', 'x-api-key': config.apiKey });
  } catch {
    // Not a network failure: retrying cannot help, and the runtime's message quotes the key.
    // `resolveConfig` refuses such keys; this guards callers that build the config themselves.
    throw new ConfigError('apiKey', 'Expected `apiKey` to be a valid HTTP header value: printable ASCII or Latin-1, no line breaks or control characters.');
  }

  const attempt = async (): Promise<BackendSession> => {
    const linked = linkSignal(options.signal, config.requestTimeoutMs);
    let response: Response;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers,
        body,
        signal: linked.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw new RetryAbort(new AbortedError('The `/connect` request', options.signal.reason));
      if (linked.timedOut()) {
        throw new BackendError(
          'BACKEND_TIMEOUT',
          `\`POST ${shown}\` got no answer within ${config.requestTimeoutMs} ms.`,
        );
      }
      const detail = error instanceof Error ? error.message : String(error);
      throw new BackendError('BACKEND_UNAVAILABLE', `\`POST ${shown}\` failed: ${redact(redactUrlsIn(detail), secrets)}.`, {
        cause: redactedCause(error, secrets),
      });
    } finally {
      linked.dispose();
    }
    if (!response.ok) {
      const message = redact(await readMessage(response), secrets);
      const status = response.status;
      if (status >= 500) {
        throw new BackendError('BACKEND_UNAVAILABLE', `\`POST ${shown}\` answered ${status}: ${message}`, { status });
      }
      throw new RetryAbort(
        new BackendError('BACKEND_REJECTED', `\`POST ${shown}\` answered ${status}: ${message}`, { status }),
      );
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      throw new RetryAbort(
        new BackendError('BACKEND_BAD_RESPONSE', `\`POST ${shown}\` answered ${response.status} with malformed JSON.`, {
          status: response.status,
          cause: redactedCause(error, secrets),
        }),
      );
    }
    try {
      return parseConnectResponse(json, transport, options.onWarning, config.websocketUrlFields);
    } catch (error) {
      throw new RetryAbort(error as Error);
    }
  };

  try {
    return await pRetry(attempt, {
      retries: config.backendRetries,
      minTimeout: 200,
      factor: 2,
      maxTimeout: 2_000,
      randomize: true,
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted && !(error instanceof AbortedError)) {
      throw new AbortedError('The `/connect` request', options.signal.reason);
    }
    throw error;
  }
}

/**
 * A copy of an error chain fit to keep as `cause`: names and redacted messages, no stack
 * (a stack repeats the message). The original may quote the key (`fetch` does, for a bad
 * header), and `console.error(err)` prints every `cause`.
 */
function redactedCause(error: unknown, secrets: readonly string[], depth = 0): Error {
  const source = error instanceof Error ? error : undefined;
  const copy = new Error(redact(redactUrlsIn(source ? source.message : String(error)), secrets));
  copy.name = source?.name ?? 'Error';
  copy.stack = `${copy.name}: ${copy.message}`;
  if (source?.cause !== undefined && depth < 3) {
    Object.defineProperty(copy, 'cause', { value: redactedCause(source.cause, secrets, depth + 1), enumerable: false, configurable: true, writable: true });
  }
  return copy;
}
