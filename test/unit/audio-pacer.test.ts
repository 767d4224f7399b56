import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { paceFrames } from '../../examples/backend/audio-pacer.js';

/** The bots' real-time pacing, on a fake clock: which frame leaves when. */

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('paceFrames', () => {
  it('sends frame i at i * frameMs, then resolves done', async () => {
    const sent: [number, number][] = [];
    const start = performance.now();
    const playback = paceFrames(['a', 'b', 'c', 'd'], 20, (_frame, i) => sent.push([i, performance.now() - start]));
    expect(sent).toEqual([[0, 0]]);
    await vi.advanceTimersByTimeAsync(19);
    expect(sent.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.length).toBe(2);
    await vi.advanceTimersByTimeAsync(40);
    expect(sent.map(([i, t]) => [i, Math.round(t)])).toEqual([[0, 0], [1, 20], [2, 40], [3, 60]]);
    await expect(playback.done).resolves.toBeUndefined();
  });

  it('catches up after a late timer instead of drifting later', async () => {
    const sent: number[] = [];
    paceFrames([0, 1, 2, 3, 4, 5], 20, (_f, i) => sent.push(i));
    // the event loop was blocked for 70 ms: frames 1-3 were due, they leave together
    vi.advanceTimersByTime(0);
    (performance as { now(): number }).now = ((now) => () => now() + 70)(performance.now.bind(performance));
    await vi.advanceTimersByTimeAsync(20);
    expect(sent).toEqual([0, 1, 2, 3, 4]);
  });

  it('stop() drops the frames not yet sent and resolves done', async () => {
    const sent: number[] = [];
    const playback = paceFrames([0, 1, 2, 3], 20, (_f, i) => sent.push(i));
    await vi.advanceTimersByTimeAsync(20);
    playback.stop();
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toEqual([0, 1]);
    await expect(playback.done).resolves.toBeUndefined();
  });

  it('refuses a frame length that is not positive', () => {
    expect(() => paceFrames([1], 0, () => undefined)).toThrow(/frameMs/);
  });
});
