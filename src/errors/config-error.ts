import { ConvaiError } from './convai-error.js';

/** A configuration field is missing or has a wrong value. Thrown before any network call. */
export class ConfigError extends ConvaiError {
  override name = 'ConfigError' as const;
  /** The offending option, as a path: `iceServers[0].urls`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('INVALID_CONFIG', message);
    this.field = field;
  }
}

export function isConfigError(value: unknown): value is ConfigError {
  return value instanceof Error && value.name === 'ConfigError';
}
