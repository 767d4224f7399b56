/** The arithmetic of "what the user hears", apart from the page so it can be checked in Node. */

/** The bots send 20 ms frames. */
export const FRAME_MS = 20;

/**
 * RFC 3550 section 6.4.1's interarrival jitter, J += (|D| - J) / 16, where D compares the arrival
 * spacing of two frames with their media spacing (`frameMs`); returned as the mean of J over the
 * frames (ms). NaN for fewer than two frames.
 */
export function rfc3550Jitter(arrivals: readonly number[], frameMs = FRAME_MS): number {
  let j = 0;
  let sum = 0;
  for (let i = 1; i < arrivals.length; i++) {
    const d = arrivals[i]! - arrivals[i - 1]! - frameMs;
    j += (Math.abs(d) - j) / 16;
    sum += j;
  }
  return arrivals.length > 1 ? sum / (arrivals.length - 1) : Number.NaN;
}

export interface Heard {
  /** Context time (s) of the first audible block. */
  readonly firstTime: number;
  /** First audible block's start to the last audible block's end (ms). */
  readonly playoutMs: number;
  /** Silent share of that span, 0..1. */
  readonly gapShare: number;
  readonly gapCount: number;
  readonly longestGapMs: number;
  /** Starts of the first 8 gaps, ms after the first audible block. */
  readonly gapOffsetsMs: readonly number[];
}

/**
 * Reduces a meter's recording, flat triples (context time s, RMS, block duration s), to what was
 * heard: undefined when no block is above `audibleRms`. A gap is a run of blocks at or below it
 * between the first and the last audible block (silence before or after the reply is not a gap).
 */
export function analyseBlocks(blocks: readonly number[], audibleRms: number): Heard | undefined {
  let first = -1;
  let last = -1;
  for (let i = 0; i + 2 < blocks.length; i += 3) {
    if (blocks[i + 1]! > audibleRms) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return undefined;
  let silent = 0;
  let total = 0;
  let gapCount = 0;
  let run = 0;
  let longest = 0;
  const gapOffsetsMs: number[] = [];
  for (let i = first; i <= last; i += 3) {
    const duration = blocks[i + 2]! * 1000;
    total += duration;
    if (blocks[i + 1]! <= audibleRms) {
      silent += duration;
      if (run === 0) {
        gapCount += 1;
        if (gapOffsetsMs.length < 8) gapOffsetsMs.push(Math.round((blocks[i]! - blocks[first]!) * 1000));
      }
      run += duration;
      longest = Math.max(longest, run);
    } else run = 0;
  }
  return {
    firstTime: blocks[first]!,
    playoutMs: (blocks[last]! + blocks[last + 2]! - blocks[first]!) * 1000,
    gapShare: total > 0 ? silent / total : 0,
    gapCount,
    longestGapMs: longest,
    gapOffsetsMs,
  };
}
