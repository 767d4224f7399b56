/**
 * The Convai data-message vocabulary: UTF-8 JSON `{type, data}`. Encoded and
 * decoded here, once, for both transports: LiveKit carries the bytes as data
 * packets, the Pipecat session wraps them in RTVI messages.
 */

export type OutboundMessage =
  | { readonly type: 'user_text_message'; readonly data: { readonly text: string } }
  | {
      readonly type: 'trigger-message';
      readonly data: { readonly trigger_name?: string; readonly trigger_message?: string };
    }
  | { readonly type: 'interrupt-bot'; readonly data: Record<string, never> }
  | {
      readonly type: 'update-template-keys';
      readonly data: { readonly template_keys: Readonly<Record<string, string>> };
    }
  | { readonly type: 'update-dynamic-info'; readonly data: { readonly dynamic_info: { readonly text: string } } }
  | { readonly type: 'tts-toggle'; readonly data: { readonly enabled: boolean } };

export type InboundMessage =
  | { readonly type: 'bot-ready'; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'bot-llm-started'; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'bot-llm-text'; readonly data: { readonly text: string } }
  | { readonly type: 'bot-llm-stopped'; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'user-started-speaking'; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'user-stopped-speaking'; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'bot-started-speaking'; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'bot-stopped-speaking'; readonly data: Readonly<Record<string, unknown>> }
  | {
      readonly type: 'user-transcription';
      readonly data: { readonly text: string; readonly final?: boolean };
    }
  | { readonly type: 'bot-emotion'; readonly data: { readonly emotion: string } }
  | { readonly type: 'server-message'; readonly data: unknown }
  | { readonly type: 'error'; readonly data: { readonly message?: string } }
  /** Types this version does not know are passed on untouched, for forward compatibility. */
  | { readonly type: `x-${string}` | (string & {}); readonly data: unknown };

export type DecodeResult =
  | { readonly ok: true; readonly message: InboundMessage }
  | { readonly ok: false; readonly reason: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeMessage(message: OutboundMessage | { type: string; data: unknown }): Uint8Array {
  return encoder.encode(JSON.stringify({ type: message.type, data: message.data }));
}

/**
 * Fields that known types must carry; a message without them is malformed, not ignored.
 * A Map, not an object: `type` comes off the wire, and `constructor` or `toString` must
 * not find Object.prototype's members.
 */
const REQUIRED_STRING_FIELDS: ReadonlyMap<string, string> = new Map([
  ['bot-llm-text', 'text'],
  ['user-transcription', 'text'],
  ['bot-emotion', 'emotion'],
]);

export function decodeMessage(payload: Uint8Array | string): DecodeResult {
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : decoder.decode(payload);
  } catch {
    return { ok: false, reason: 'payload is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
  return validateInbound(value);
}

/** Checks an already-parsed value against the vocabulary (the Pipecat path parses RTVI first). */
export function validateInbound(value: unknown): DecodeResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'message is not a JSON object' };
  }
  const { type, data } = value as { type?: unknown; data?: unknown };
  if (typeof type !== 'string' || type.length === 0) {
    return { ok: false, reason: 'message has no string `type`' };
  }
  const field = REQUIRED_STRING_FIELDS.get(type);
  if (field !== undefined) {
    const fieldValue =
      typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[field] : undefined;
    if (typeof fieldValue !== 'string') {
      return { ok: false, reason: `\`${type}\` message has no string \`data.${field}\`` };
    }
  }
  return { ok: true, message: { type, data: data ?? {} } as InboundMessage };
}
