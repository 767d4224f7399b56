import { ConvaiError, type ConvaiErrorCode } from './convai-error.js';

/** The two transports a Convai session can run on. */
export type TransportKind = 'livekit' | 'websocket';

/** A transport failed to connect, lost its connection, or spoke the protocol wrongly. */
export class TransportError extends ConvaiError {
  override name = 'TransportError' as const;
  readonly transport: TransportKind | undefined;

  constructor(
    code: ConvaiErrorCode,
    message: string,
    options: { transport?: TransportKind; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.transport = options.transport;
  }
}

export function isTransportError(value: unknown): value is TransportError {
  return value instanceof Error && value.name === 'TransportError';
}
