import { describe, expect, it } from 'vitest';
import { analyseBlocks, rfc3550Jitter } from '../../bench/pages/hear-analysis.js';

/** The bench's reduction of a recording to first sound, gaps and jitter (bench/pages/hear-analysis.ts). */

const BLOCK_S = 0.01;
/** A recording of 10 ms blocks from RMS levels, starting at context time 1 s. */
const recording = (levels: readonly number[]): number[] => levels.flatMap((rms, i) => [1 + i * BLOCK_S, rms, BLOCK_S]);

describe('analyseBlocks', () => {
  it('finds the first sound, and counts only silence inside the reply as gaps', () => {
    // 3 silent blocks before, 10 loud, a 2-block gap, 5 loud, a 1-block gap, 4 loud, silence after
    const levels = [0, 0, 0, ...Array(10).fill(0.18), 0, 0, ...Array(5).fill(0.18), 0.001, ...Array(4).fill(0.18), 0, 0, 0];
    const heard = analyseBlocks(recording(levels), 0.02)!;
    expect(heard.firstTime).toBeCloseTo(1.03, 9);
    expect(heard.playoutMs).toBeCloseTo(220, 6);
    expect(heard.gapCount).toBe(2);
    expect(heard.longestGapMs).toBeCloseTo(20, 6);
    expect(heard.gapShare).toBeCloseTo(30 / 220, 9);
    expect(heard.gapOffsetsMs).toEqual([100, 170]);
  });

  it('says nothing was heard when no block is above the threshold', () => {
    expect(analyseBlocks(recording([0, 0.01, 0.02, 0]), 0.02)).toBeUndefined();
    expect(analyseBlocks([], 0.02)).toBeUndefined();
  });

  it('an unbroken reply has no gaps', () => {
    expect(analyseBlocks(recording(Array(50).fill(0.18)), 0.02)).toMatchObject({ gapCount: 0, gapShare: 0, longestGapMs: 0 });
  });
});

describe('rfc3550Jitter', () => {
  it('is 0 for frames arriving exactly 20 ms apart', () => {
    expect(rfc3550Jitter([0, 20, 40, 60, 80])).toBe(0);
  });

  it('follows J += (|D| - J) / 16 and reports its mean', () => {
    // one frame 16 ms late: D = +16 then -16
    const j1 = 16 / 16;
    const j2 = j1 + (16 - j1) / 16;
    const j3 = j2 + (0 - j2) / 16;
    expect(rfc3550Jitter([0, 36, 40, 60])).toBeCloseTo((j1 + j2 + j3) / 3, 9);
  });

  it('is NaN for fewer than two frames', () => {
    expect(rfc3550Jitter([5])).toBeNaN();
  });
});
