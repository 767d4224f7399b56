/**
 * Stable machine-readable codes. Each is part of the public API: match on `code`,
 * never on `message`.
 */
export type ConvaiErrorCode =
  | 'INVALID_CONFIG'
  | 'WEBSOCKET_NOT_REGISTERED'
  | 'AUTO_NOT_REGISTERED'
  | 'BACKEND_REJECTED'
  | 'BACKEND_UNAVAILABLE'
  | 'BACKEND_TIMEOUT'
  | 'BACKEND_BAD_RESPONSE'
  | 'CONNECT_FAILED'
  | 'CONNECT_TIMEOUT'
  | 'BOT_READY_TIMEOUT'
  | 'CONNECTION_LOST'
  | 'PROTOCOL_ERROR'
  | 'MALFORMED_MESSAGE'
  | 'NOT_CONNECTED'
  | 'SEND_FAILED'
  | 'CHUNK_LOAD_FAILED'
  | 'MICROPHONE_UNAVAILABLE'
  | 'ABORTED';

export interface ConvaiErrorOptions {
  readonly cause?: unknown;
}

/**
 * Base of every error this library throws or emits. `name` is a literal in each
 * subclass (not `this.constructor.name`, which minifiers rename) so that the
 * name-based guards work across bundles and realms.
 */
export class ConvaiError extends Error {
  override name: string = 'ConvaiError';
  readonly code: ConvaiErrorCode;

  constructor(code: ConvaiErrorCode, message: string, options: ConvaiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

const KNOWN_NAMES = new Set([
  'ConvaiError',
  'ConfigError',
  'BackendError',
  'TransportError',
  'AbortedError',
]);

/** True for any error of this library, even one from another copy of it (compares by name). */
export function isConvaiError(value: unknown): value is ConvaiError {
  return (
    value instanceof Error &&
    KNOWN_NAMES.has(value.name) &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}
