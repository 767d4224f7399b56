import type { DecodeResult } from '../messages/convai-messages.js';
import { describeError } from './pipecat-errors.js';
import { decodePipecatFrame } from './pipecat-frames.js';
import { parseRtvi, type RtviMessage } from './pipecat-rtvi.js';

/** What one inbound WebSocket frame means to the session. */
export type Inbound =
  | { readonly kind: 'audio'; readonly pcm: Int16Array; readonly sampleRate: number; readonly numChannels: number }
  | { readonly kind: 'message'; readonly rtvi: RtviMessage; readonly convai: DecodeResult }
  /** The peer does not speak the protocol: the session cannot go on. */
  | { readonly kind: 'protocol-error'; readonly detail: string }
  /** A frame the session has no use for (text, transcription frames). */
  | { readonly kind: 'ignored' };

/** Decodes and checks a frame: pure, so the session only acts on the outcome. */
export function readInbound(bytes: Uint8Array): Inbound {
  let frame;
  try {
    frame = decodePipecatFrame(bytes);
  } catch (error) {
    return { kind: 'protocol-error', detail: `received a frame that is not a pipecat.Frame (${describeError(error)})` };
  }
  if (frame.kind === 'audio') {
    const { pcm, sampleRate, numChannels } = frame;
    if (sampleRate < 8_000 || sampleRate > 96_000 || (numChannels !== 1 && numChannels !== 2)) {
      return { kind: 'protocol-error', detail: `received audio at ${sampleRate} Hz with ${numChannels} channels` };
    }
    return { kind: 'audio', pcm, sampleRate, numChannels };
  }
  if (frame.kind !== 'message') return { kind: 'ignored' };
  const parsed = parseRtvi(frame.json);
  if (!parsed.ok) return { kind: 'protocol-error', detail: parsed.reason };
  return { kind: 'message', rtvi: parsed.rtvi, convai: parsed.convai };
}
