import { redactUrl } from '../../src/util/redact.js';
import type { CheckContext, CheckOutcome } from '../run-check.js';
import type { WebSocketData } from '../types.js';

export interface WebSocketCheckOptions {
  readonly url: string;
  readonly WebSocket: typeof WebSocket | undefined;
  /** Fires when the answer is no longer needed (WebRTC works): the check ends as `skipped`. */
  readonly notNeeded: AbortSignal;
}

/**
 * Opens a WebSocket and requires an application-level answer: it sends a text `ping` and
 * waits for any message. An open that is never answered is `hang` (a proxy that accepts the
 * upgrade and then buffers forever looks exactly like this), which an `open` event alone hides.
 */
export function websocketCheck(ctx: CheckContext, options: WebSocketCheckOptions): Promise<CheckOutcome<WebSocketData>> {
  const url = redactUrl(options.url);
  const Ctor = options.WebSocket;
  if (typeof Ctor !== 'function') {
    return Promise.resolve({ ok: false, data: { url, outcome: 'failed' }, error: 'WebSocket is not available in this environment.' });
  }
  const started = Date.now();
  return new Promise((resolve) => {
    let openMs: number | undefined;
    let done = false;
    const socket = new Ctor(options.url);
    ctx.defer(() => {
      socket.onopen = socket.onmessage = socket.onclose = null;
      // keep an error listener: closing a connecting socket fires one (and `ws` throws without it)
      socket.onerror = () => undefined;
      if (socket.readyState === 0 || socket.readyState === 1) socket.close();
    });
    const finish = (outcome: CheckOutcome<WebSocketData>): void => {
      if (done) return;
      done = true;
      ctx.signal.removeEventListener('abort', onAbort);
      options.notNeeded.removeEventListener('abort', onNotNeeded);
      resolve(outcome);
    };
    const data = (outcome: WebSocketData['outcome'], extra: Partial<WebSocketData> = {}): WebSocketData => ({
      url,
      outcome,
      ...(openMs === undefined ? {} : { openMs }),
      ...extra,
    });
    const onNotNeeded = (): void => finish({ ok: false, skipped: true, data: data('cancelled') });
    const onAbort = (): void => {
      // the caller's abort (runCheck reports it as `aborted`), not our deadline
      if (!ctx.timedOut()) finish({ ok: false, data: data('cancelled') });
      else if (openMs !== undefined) finish({ ok: false, data: data('hang'), error: `WebSocket ${url} opened but did not answer before the deadline.` });
      else finish({ ok: false, data: data('failed'), error: `WebSocket ${url} did not open before the deadline.` });
    };
    socket.onopen = () => {
      openMs = Date.now() - started;
      socket.send('ping');
    };
    socket.onmessage = () => finish({ ok: true, data: data('answered', { answerMs: Date.now() - started }) });
    socket.onclose = (event) =>
      finish({ ok: false, data: data('failed', { closeCode: event.code }), error: `WebSocket ${url} closed (code ${event.code}) before answering.` });
    socket.onerror = () => {
      // a close event follows with the code; wait for it unless the socket never opened
      if (openMs === undefined) finish({ ok: false, data: data('failed'), error: `WebSocket ${url} failed to open.` });
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    options.notNeeded.addEventListener('abort', onNotNeeded, { once: true });
  });
}
