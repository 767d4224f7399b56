export { ConvaiError, isConvaiError, type ConvaiErrorCode } from './convai-error.js';
export { ConfigError, isConfigError } from './config-error.js';
export { BackendError, isBackendError, type BackendErrorCode } from './backend-error.js';
export { TransportError, isTransportError } from './transport-error.js';
export { AbortedError, isAbortedError, throwIfAborted } from './aborted-error.js';
