import { describe, expect, it } from 'vitest';
import {
  PipecatFrameType,
  decodePipecatFrame,
  encodeAudioFrame,
  encodeMessageFrame,
} from '../../src/transports/pipecat-frames.js';
import { fatalErrorText, parseRtvi, readOutbound } from '../../src/transports/pipecat-rtvi.js';
import { encodeMessage } from '../../src/messages/convai-messages.js';

describe('pipecat.Frame codec', () => {
  it('decodes audio with its sample rate, even from an unaligned view', () => {
    const pcm = new Int16Array([0, 1, -1, 32767, -32768]);
    const wire = encodeAudioFrame(new Uint8Array(pcm.buffer), 24_000);
    const padded = new Uint8Array(wire.length + 1);
    padded.set(wire, 1);
    const decoded = decodePipecatFrame(padded.subarray(1));
    expect(decoded).toEqual({ kind: 'audio', pcm, sampleRate: 24_000, numChannels: 1 });
  });

  it('rejects audio that is not whole PCM16 samples, and bytes that are not protobuf', () => {
    expect(() => decodePipecatFrame(encodeAudioFrame(new Uint8Array(3), 16_000))).toThrow(/not PCM16/);
    expect(() => decodePipecatFrame(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow();
  });

  it('reads message frames, ignores text/transcription frames', () => {
    expect(decodePipecatFrame(encodeMessageFrame('{"a":1}'))).toEqual({ kind: 'message', json: '{"a":1}' });
    const text = PipecatFrameType.toBinary({ frame: { oneofKind: 'text', text: { id: 1n, name: 't', text: 'hi' } } });
    expect(decodePipecatFrame(text)).toEqual({ kind: 'other' });
  });
});

describe('RTVI <-> Convai', () => {
  const env = (o: unknown): string => JSON.stringify(o);

  it('projects an RTVI message onto Convai {type, data}', () => {
    const parsed = parseRtvi(env({ label: 'rtvi-ai', type: 'bot-llm-text', id: 'x', data: { text: 'hey' } }));
    expect(parsed.ok && parsed.convai).toEqual({ ok: true, message: { type: 'bot-llm-text', data: { text: 'hey' } } });
  });

  it('tells protocol errors (bad envelope) from malformed Convai content', () => {
    expect(parseRtvi('nope')).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
    expect(parseRtvi(env({ label: 'other', type: 't' }))).toMatchObject({ ok: false });
    expect(parseRtvi(env({ label: 'rtvi-ai' }))).toMatchObject({ ok: false });
    const bad = parseRtvi(env({ label: 'rtvi-ai', type: 'bot-llm-text', id: 'x', data: {} }));
    expect(bad.ok && bad.convai.ok).toBe(false);
  });

  it('recognises only fatal bot errors as session-ending', () => {
    const rtvi = (data: unknown) => ({ label: 'rtvi-ai' as const, type: 'error', id: '', data });
    expect(fatalErrorText(rtvi({ message: 'boom', fatal: true }))).toBe('boom');
    expect(fatalErrorText(rtvi({ message: 'meh', fatal: false }))).toBeUndefined();
    expect(fatalErrorText({ ...rtvi({ fatal: true }), type: 'bot-ready' })).toBeUndefined();
  });

  it('reads the client bytes back for sendClientMessage', () => {
    expect(readOutbound(encodeMessage({ type: 'user_text_message', data: { text: 'a' } }))).toEqual({
      type: 'user_text_message',
      data: { text: 'a' },
    });
    expect(() => readOutbound(new TextEncoder().encode('[1]'))).toThrow();
  });
});
