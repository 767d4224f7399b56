import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeMessage, encodeMessage } from '../../src/messages/convai-messages.js';
import { parseRtvi } from '../../src/transports/pipecat-rtvi.js';
import { decodePipecatFrame, encodeAudioFrame, encodeMessageFrame } from '../../src/transports/pipecat-frames.js';
import { ConvaiClient } from '../../src/client/convai-client.js';
import type { ConvaiError } from '../../src/errors/convai-error.js';
import { FakeSession } from '../support/fake-session.js';

/**
 * Inbound data is open input: whatever a server (or a man in the middle of a
 * misconfigured proxy) sends, the decoders must answer "ok" or "malformed", never
 * throw out of the session, and a bad message must not cost the valid one after it.
 */

const RUNS = { numRuns: 400 };
const KNOWN_TYPES = ['bot-ready', 'bot-llm-text', 'user-transcription', 'bot-emotion', 'bot-llm-started', 'error', 'x-future'];

/** Valid Convai messages, as the backend sends them. */
const validMessage = fc.oneof(
  fc.string().map((text) => ({ type: 'bot-llm-text', data: { text } })),
  fc.record({ text: fc.string(), final: fc.boolean() }).map((data) => ({ type: 'user-transcription', data })),
  fc.string().map((emotion) => ({ type: 'bot-emotion', data: { emotion } })),
  fc.constantFrom('bot-ready', 'bot-llm-started', 'bot-llm-stopped', 'bot-started-speaking').map((type) => ({ type, data: {} })),
);

/** JSON that is a message in shape only, or not at all. */
const hostileJson = fc.oneof(
  fc.jsonValue(),
  fc.record({ type: fc.oneof(fc.constantFrom(...KNOWN_TYPES), fc.anything()), data: fc.anything() }, { requiredKeys: [] }),
);

/** A valid encoded payload with a few bytes flipped, cut or spliced. */
const mutated = fc
  .tuple(validMessage, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat())
  .map(([message, flips, cut]) => {
    const bytes = encodeMessage(message);
    for (const [at, value] of flips) bytes[at % bytes.length] = value;
    return cut % 3 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
  });

describe('Convai JSON decoder', () => {
  it('decodes every valid message to itself', () => {
    fc.assert(
      fc.property(validMessage, (message) => {
        const decoded = decodeMessage(encodeMessage(message));
        expect(decoded).toEqual({ ok: true, message });
      }),
      RUNS,
    );
  });

  it('never throws on random bytes, hostile JSON or mutated payloads; says why when it refuses', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 256 }),
          hostileJson.map((v) => new TextEncoder().encode(JSON.stringify(v) ?? 'undefined')),
          mutated,
          fc.string().map((s) => new TextEncoder().encode(s)),
        ),
        (payload) => {
          const decoded = decodeMessage(payload);
          if (decoded.ok) {
            expect(typeof decoded.message.type).toBe('string');
            expect(decoded.message.type.length).toBeGreaterThan(0);
          } else expect(decoded.reason.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });
});

describe('Pipecat wire decoders', () => {
  it('parseRtvi never throws on any MessageFrame.data', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
          fc.record({ label: fc.constantFrom('rtvi-ai', 'other'), type: fc.anything(), id: fc.anything(), data: fc.anything() }, { requiredKeys: [] }).map(
            (v) => JSON.stringify(v) ?? '',
          ),
        ),
        (json) => {
          const parsed = parseRtvi(json);
          if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
          else expect(parsed.rtvi.label).toBe('rtvi-ai');
        },
      ),
      RUNS,
    );
  });

  it('decodePipecatFrame either decodes or throws an Error (the session turns it into PROTOCOL_ERROR)', () => {
    const frames = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc
        .tuple(fc.string(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }))
        .map(([text, flips]) => {
          const bytes = encodeMessageFrame(JSON.stringify({ label: 'rtvi-ai', type: 'bot-llm-text', id: '1', data: { text } }));
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          return bytes;
        }),
      fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 200_000 })).map(([pcm, rate]) => encodeAudioFrame(pcm, rate)),
    );
    fc.assert(
      fc.property(frames, (bytes) => {
        try {
          const frame = decodePipecatFrame(bytes);
          expect(['audio', 'message', 'other']).toContain(frame.kind);
          if (frame.kind === 'audio') expect(frame.pcm.length * 2).toBeLessThanOrEqual(bytes.length);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      RUNS,
    );
  });
});

describe('ConvaiClient fed hostile payloads', () => {
  it('never throws, reports each bad payload as MALFORMED_MESSAGE, and loses no valid message after a bad one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(validMessage.map((m) => ({ good: true as const, m })), fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated).map((b) => ({ good: false as const, b }))), {
          minLength: 1,
          maxLength: 25,
        }),
        async (sequence) => {
          let session: FakeSession | undefined;
          const client = new ConvaiClient(
            { apiKey: 'k', characterId: 'c', url: 'http://127.0.0.1:9', transport: 'livekit' },
            {
              fetch: async () =>
                new Response(JSON.stringify({ character_session_id: 's', room_url: 'ws://127.0.0.1:9', token: 't' }), { status: 200 }),
              createLiveKitSession: (onMessage, options) => (session = new FakeSession('livekit', onMessage, options.enableMic)),
            },
          );
          await client.connect();
          const received: unknown[] = [];
          const errors: ConvaiError[] = [];
          client.on('inboundMessage', (m) => received.push(m));
          client.on('error', (e) => errors.push(e));
          const expected: unknown[] = [];
          let bad = 0;
          for (const item of sequence) {
            if (item.good) {
              expected.push(item.m);
              session!.deliver(item.m);
            } else {
              const decoded = decodeMessage(item.b);
              if (decoded.ok) expected.push(decoded.message);
              else bad += 1;
              // straight into the session's onMessage callback, as a transport would
              (session as unknown as { onMessage: (p: Uint8Array) => void }).onMessage(item.b);
            }
          }
          // every valid message, in order, however many bad ones came between
          expect(received).toEqual(expected);
          expect(errors.map((e) => e.code)).toEqual(Array(bad).fill('MALFORMED_MESSAGE'));
          expect(client.state.isConnected).toBe(true);
          await client.disconnect();
        },
      ),
      { numRuns: 100 },
    );
  });
});
