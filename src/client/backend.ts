import pRetry, { AbortError as RetryAbort } from 'p-retry';
import { BackendError } from '../errors/backend-error.js';
import { AbortedError } from '../errors/aborted-error.js';
import type { ResolvedConfig } from './config.js';
import type { ConnectTarget, TransportKind } from '../transports/transport-session.js';
import { linkSignal } from '../util/abort.js';
import { redact } from '../util/redact.js';

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

function parseIceServers(value: unknown): readonly RTCIceServer[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const servers = value.filter(
    (s): s is RTCIceServer =>
      typeof s === 'object' && s !== null && (typeof s.urls === 'string' || Array.isArray(s.urls)),
  );
  return servers.length > 0 ? servers : undefined;
}

export function parseConnectResponse(json: unknown, transport: TransportKind): BackendSession {
  if (typeof json !== 'object' || json === null) {
    throw new BackendError('BACKEND_BAD_RESPONSE', '`/connect` answered with something other than a JSON object.');
  }
  const body = json as Record<string, unknown>;
  const characterSessionId = str(body['character_session_id']);
  const iceServers = parseIceServers(body['ice_servers']);
  if (transport === 'livekit') {
    const roomUrl = str(body['room_url']);
    const token = str(body['token']);
    if (!roomUrl || !token) {
      const missing = !roomUrl ? 'room_url' : 'token';
      throw new BackendError('BACKEND_BAD_RESPONSE', `\`/connect\` response for LiveKit is missing \`${missing}\`.`);
    }
    return { characterSessionId, iceServers, target: { transport, roomUrl, token } };
  }
  const wsUrl = str(body['ws_url']) ?? str(body['websocket_url']);
  if (!wsUrl) {
    throw new BackendError('BACKEND_BAD_RESPONSE', '`/connect` response for WebSocket is missing `ws_url`.');
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
  const body = buildBody(config, transport, options.characterSessionId ?? config.characterSessionId);
  const secrets = [config.apiKey];

  const attempt = async (): Promise<BackendSession> => {
    const linked = linkSignal(options.signal, config.requestTimeoutMs);
    let response: Response;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': config.apiKey },
        body,
        signal: linked.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw new RetryAbort(new AbortedError('The `/connect` request', options.signal.reason));
      if (linked.timedOut()) {
        throw new BackendError(
          'BACKEND_TIMEOUT',
          `\`POST ${endpoint}\` got no answer within ${config.requestTimeoutMs} ms.`,
        );
      }
      const detail = error instanceof Error ? error.message : String(error);
      throw new BackendError('BACKEND_UNAVAILABLE', `\`POST ${endpoint}\` failed: ${redact(detail, secrets)}.`, {
        cause: error,
      });
    } finally {
      linked.dispose();
    }
    if (!response.ok) {
      const message = redact(await readMessage(response), secrets);
      const status = response.status;
      if (status >= 500) {
        throw new BackendError('BACKEND_UNAVAILABLE', `\`POST ${endpoint}\` answered ${status}: ${message}`, { status });
      }
      throw new RetryAbort(
        new BackendError('BACKEND_REJECTED', `\`POST ${endpoint}\` answered ${status}: ${message}`, { status }),
      );
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      throw new RetryAbort(
        new BackendError('BACKEND_BAD_RESPONSE', `\`POST ${endpoint}\` answered ${response.status} with malformed JSON.`, {
          status: response.status,
          cause: error,
        }),
      );
    }
    try {
      return parseConnectResponse(json, transport);
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
