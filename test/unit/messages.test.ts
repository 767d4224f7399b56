import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../src/messages/convai-messages.js';

const enc = new TextEncoder();

describe('Convai message layer', () => {
  it('encodes {type, data} as UTF-8 JSON, dropping extra fields', () => {
    const bytes = encodeMessage({ type: 'user_text_message', data: { text: 'héllo' } });
    expect(new TextDecoder().decode(bytes)).toBe('{"type":"user_text_message","data":{"text":"héllo"}}');
  });

  it('round-trips every inbound type it knows', () => {
    const samples = [
      { type: 'bot-ready', data: {} },
      { type: 'bot-llm-text', data: { text: 'hi' } },
      { type: 'user-transcription', data: { text: 'hello', final: true } },
      { type: 'bot-emotion', data: { emotion: 'joy' } },
      { type: 'server-message', data: [1, 2] },
    ];
    for (const sample of samples) {
      const result = decodeMessage(enc.encode(JSON.stringify(sample)));
      expect(result).toEqual({ ok: true, message: sample });
    }
  });

  it('passes unknown types through (forward compatible)', () => {
    expect(decodeMessage('{"type":"future-thing","data":{"x":1}}')).toEqual({
      ok: true,
      message: { type: 'future-thing', data: { x: 1 } },
    });
  });

  it('defaults a missing data to {}', () => {
    expect(decodeMessage('{"type":"bot-ready"}')).toEqual({ ok: true, message: { type: 'bot-ready', data: {} } });
  });

  it.each([
    [new Uint8Array([0xff, 0xfe, 0xfd]), 'UTF-8'],
    ['not json', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['"str"', 'not a JSON object'],
    ['{"data":{}}', '`type`'],
    ['{"type":""}', '`type`'],
    ['{"type":"bot-llm-text","data":{}}', 'data.text'],
    ['{"type":"bot-llm-text","data":{"text":5}}', 'data.text'],
    ['{"type":"user-transcription"}', 'data.text'],
    ['{"type":"bot-emotion","data":null}', 'data.emotion'],
  ])('rejects %j with a reason', (payload, reason) => {
    const result = decodeMessage(payload);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
