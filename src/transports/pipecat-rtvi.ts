import { validateInbound, type DecodeResult } from '../messages/convai-messages.js';

/**
 * RTVI is the message layer Pipecat puts inside `MessageFrame.data`:
 * `{label: 'rtvi-ai', type, id, data}`. Convai's messages are RTVI messages with the
 * same `type` and `data` as over LiveKit, so the mapping is a projection both ways.
 */
export const RTVI_LABEL = 'rtvi-ai';

export interface RtviMessage {
  readonly label: typeof RTVI_LABEL;
  readonly type: string;
  readonly id: string;
  readonly data: unknown;
}

export type RtviParseResult =
  | { readonly ok: true; readonly rtvi: RtviMessage; readonly convai: DecodeResult }
  | { readonly ok: false; readonly reason: string };

/** Parses `MessageFrame.data`; a non-RTVI or malformed envelope is a protocol error. */
export function parseRtvi(json: string): RtviParseResult {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'MessageFrame.data is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'MessageFrame.data is not a JSON object' };
  }
  const v = value as Record<string, unknown>;
  if (v['label'] !== RTVI_LABEL) return { ok: false, reason: `message label is not '${RTVI_LABEL}'` };
  if (typeof v['type'] !== 'string' || v['type'].length === 0) return { ok: false, reason: 'RTVI message has no type' };
  const rtvi: RtviMessage = {
    label: RTVI_LABEL,
    type: v['type'],
    id: typeof v['id'] === 'string' ? v['id'] : '',
    data: v['data'] ?? {},
  };
  return { ok: true, rtvi, convai: validateInbound({ type: rtvi.type, data: rtvi.data }) };
}

/** A fatal RTVI `error` from the bot (`data.fatal === true`) ends the session. */
export function fatalErrorText(rtvi: RtviMessage): string | undefined {
  if (rtvi.type !== 'error') return undefined;
  const data = rtvi.data as { fatal?: unknown; message?: unknown } | null;
  if (data?.fatal !== true) return undefined;
  return typeof data.message === 'string' ? data.message : 'no message';
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads the client's outbound Convai bytes back into `{type, data}` for `sendClientMessage`. */
export function readOutbound(payload: Uint8Array): { type: string; data: unknown } {
  const value: unknown = JSON.parse(decoder.decode(payload));
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    throw new Error('payload is not a Convai `{type, data}` message');
  }
  const { type, data } = value as { type: string; data?: unknown };
  return { type, data: data ?? {} };
}
