import { MessageType, ScalarType, LongType } from '@protobuf-ts/runtime';

/**
 * Pipecat's wire schema (`pipecat.Frame` in Pipecat's `frames.proto`, BSD-2-Clause),
 * declared once here for both ends: the session decodes inbound frames with it (it
 * needs the bot's sample rate, which Pipecat's own serializer drops) and the local
 * backend's bot speaks it. `@protobuf-ts/runtime` is what Pipecat itself uses, so
 * it adds nothing to the WebSocket chunk.
 */

export interface TextFrame {
  id: bigint;
  name: string;
  text: string;
}

export interface AudioRawFrame {
  id: bigint;
  name: string;
  /** PCM16 little-endian, interleaved. */
  audio: Uint8Array;
  sampleRate: number;
  numChannels: number;
  pts?: bigint;
}

export interface TranscriptionFrame {
  id: bigint;
  name: string;
  text: string;
  userId: string;
  timestamp: string;
}

export interface MessageFrame {
  /** JSON text: an RTVI message `{label: 'rtvi-ai', type, id, data}`. */
  data: string;
}

export interface PipecatFrame {
  frame:
    | { oneofKind: 'text'; text: TextFrame }
    | { oneofKind: 'audio'; audio: AudioRawFrame }
    | { oneofKind: 'transcription'; transcription: TranscriptionFrame }
    | { oneofKind: 'message'; message: MessageFrame }
    | { oneofKind: undefined };
}

const U64 = { kind: 'scalar', T: ScalarType.UINT64, L: LongType.BIGINT } as const;

const TextFrameType = new MessageType<TextFrame>('pipecat.TextFrame', [
  { no: 1, name: 'id', ...U64 },
  { no: 2, name: 'name', kind: 'scalar', T: ScalarType.STRING },
  { no: 3, name: 'text', kind: 'scalar', T: ScalarType.STRING },
]);

const AudioRawFrameType = new MessageType<AudioRawFrame>('pipecat.AudioRawFrame', [
  { no: 1, name: 'id', ...U64 },
  { no: 2, name: 'name', kind: 'scalar', T: ScalarType.STRING },
  { no: 3, name: 'audio', kind: 'scalar', T: ScalarType.BYTES },
  { no: 4, name: 'sample_rate', kind: 'scalar', T: ScalarType.UINT32 },
  { no: 5, name: 'num_channels', kind: 'scalar', T: ScalarType.UINT32 },
  { no: 6, name: 'pts', opt: true, ...U64 },
]);

const TranscriptionFrameType = new MessageType<TranscriptionFrame>('pipecat.TranscriptionFrame', [
  { no: 1, name: 'id', ...U64 },
  { no: 2, name: 'name', kind: 'scalar', T: ScalarType.STRING },
  { no: 3, name: 'text', kind: 'scalar', T: ScalarType.STRING },
  { no: 4, name: 'user_id', kind: 'scalar', T: ScalarType.STRING },
  { no: 5, name: 'timestamp', kind: 'scalar', T: ScalarType.STRING },
]);

const MessageFrameType = new MessageType<MessageFrame>('pipecat.MessageFrame', [
  { no: 1, name: 'data', kind: 'scalar', T: ScalarType.STRING },
]);

export const PipecatFrameType = new MessageType<PipecatFrame>('pipecat.Frame', [
  { no: 1, name: 'text', kind: 'message', oneof: 'frame', T: () => TextFrameType },
  { no: 2, name: 'audio', kind: 'message', oneof: 'frame', T: () => AudioRawFrameType },
  { no: 3, name: 'transcription', kind: 'message', oneof: 'frame', T: () => TranscriptionFrameType },
  { no: 4, name: 'message', kind: 'message', oneof: 'frame', T: () => MessageFrameType },
]);

/** What one inbound binary frame means to the session. */
export type DecodedFrame =
  | { readonly kind: 'audio'; readonly pcm: Int16Array; readonly sampleRate: number; readonly numChannels: number }
  | { readonly kind: 'message'; readonly json: string }
  | { readonly kind: 'other' };

/**
 * Decodes one binary WebSocket message. Throws on bytes that are not a `pipecat.Frame`
 * or on audio that is not whole PCM16 samples: the caller treats both as a protocol error.
 */
export function decodePipecatFrame(bytes: Uint8Array): DecodedFrame {
  // unknown fields are tolerated (a newer Pipecat may add some); bytes that are not
  // protobuf at all fail on their tags and throw here
  const { frame } = PipecatFrameType.fromBinary(bytes);
  switch (frame.oneofKind) {
    case 'audio': {
      const { audio, sampleRate, numChannels } = frame.audio;
      if (audio.byteLength % 2 !== 0) throw new Error(`audio frame of ${audio.byteLength} bytes is not PCM16`);
      // copy: the view may be unaligned within the socket's buffer, and Int16Array needs alignment
      const pcm = new Int16Array(audio.byteLength / 2);
      new Uint8Array(pcm.buffer).set(audio);
      return { kind: 'audio', pcm, sampleRate, numChannels };
    }
    case 'message':
      return { kind: 'message', json: frame.message.data };
    default:
      return { kind: 'other' };
  }
}

export function encodeMessageFrame(json: string): Uint8Array {
  return PipecatFrameType.toBinary({ frame: { oneofKind: 'message', message: { data: json } } });
}

export function encodeAudioFrame(pcm: Uint8Array, sampleRate: number, numChannels = 1): Uint8Array {
  return PipecatFrameType.toBinary({
    frame: { oneofKind: 'audio', audio: { id: 0n, name: 'audio', audio: pcm, sampleRate, numChannels } },
  });
}
