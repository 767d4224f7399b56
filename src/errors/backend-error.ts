import { ConvaiError, type ConvaiErrorCode } from './convai-error.js';

export type BackendErrorCode = Extract<
  ConvaiErrorCode,
  'BACKEND_REJECTED' | 'BACKEND_UNAVAILABLE' | 'BACKEND_TIMEOUT' | 'BACKEND_BAD_RESPONSE'
>;

/** The `/connect` call failed. `status` is the HTTP status when there was a response. */
export class BackendError extends ConvaiError {
  override name = 'BackendError' as const;
  readonly status: number | undefined;

  constructor(
    code: BackendErrorCode,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.status = options.status;
  }
}

export function isBackendError(value: unknown): value is BackendError {
  return value instanceof Error && value.name === 'BackendError';
}
