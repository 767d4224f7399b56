import { describe, expect, it } from 'vitest';
import { comparePairs, median, quantile, roundOrder, summarize } from '../../bench/stats.js';
import { markdownTable, rows, textTable, type BenchResults } from '../../bench/report.js';

// The bench's arithmetic and its judgement of targets: no timing here, only the logic that
// turns samples into the reported figures (bench/ itself is run by `npm run bench`).

describe('bench statistics', () => {
  it('median and quantiles interpolate between samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([0, 10], 0.1)).toBeCloseTo(1);
    expect(summarize([5, 1, 9, 3, 7])).toMatchObject({ n: 5, median: 5, min: 1, max: 9 });
  });

  it('compares pair by pair, skipping rounds where either side failed', () => {
    const baseline = [100, 200, undefined, 400];
    const candidate = [150, 220, 999, 400];
    expect(comparePairs(baseline, candidate)).toEqual({ pairs: 3, medianRatio: 1.1, medianDiff: 20 });
  });

  it('alternates the order of variants round by round', () => {
    expect(roundOrder(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['c', 'b', 'a']);
  });
});

describe('bench report', () => {
  const summary = (m: number) => ({ n: 10, median: m, p10: m - 10, p90: m + 10, min: m - 20, max: m + 20 });
  const base: BenchResults = {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationS: 1,
    machine: { cpus: 2, cpuModel: 'x', memoryGiB: 1, os: 'y', node: 'v20', chromium: 'Chromium', coturn: 'coturn' },
    rounds: 10,
    loadAverage: { start: 0, end: 0 },
    errors: [],
  };

  it('judges the connect targets on the in-page overhead, and shows the per-round difference beside it', () => {
    const results: BenchResults = {
      ...base,
      negotiation: {
        rounds: 10,
        variants: [
          { name: 'livekit (forced)', botReadyMs: summary(500), negotiatorMs: summary(0), phases: {}, transports: {}, failures: [] },
          {
            name: 'auto, first visit',
            botReadyMs: summary(650),
            negotiatorMs: summary(140),
            phases: {},
            transports: {},
            failures: [],
            vsBaseline: { pairs: 10, medianRatio: 1.3, medianDiff: 150 },
          },
          {
            name: 'auto, remembered verdict',
            botReadyMs: summary(502),
            negotiatorMs: summary(1),
            phases: {},
            transports: {},
            failures: [],
            // connect noise: the end-to-end difference is far above what the negotiator added
            vsBaseline: { pairs: 10, medianRatio: 1.08, medianDiff: 40 },
          },
        ],
      },
    };
    const table = rows(results);
    expect(table.map((r) => [r.variant, r.status])).toEqual([
      ['livekit (forced)', ''],
      ['auto, first visit', 'missed'],
      ['auto, remembered verdict', 'met'],
    ]);
    expect(textTable(table)).toContain('pair diff +150 ms, ratio x1.30; in-page 140 ms');
    expect(textTable(table)).toContain('pair diff +40 ms');
    expect(markdownTable(table).split('\n')).toHaveLength(2 + 3);
  });

  it('fails the bundle boundary on any Pipecat byte or marker at start', () => {
    const bundle = {
      coreOwnGzip: 11 * 1024,
      coreWithDepsGzip: 150 * 1024,
      vanillaEagerGzip: 155 * 1024,
      websocketChunkGzip: 52 * 1024,
      pipecatBytesInEager: 0,
      pipecatBytesInLazy: 1000,
      pipecatMarkersInEager: ['rtvi-ai'],
      pipecatDefaultGzip: 118 * 1024,
      vanillaChunks: [],
      entries: [{ entry: 'convai-transport/auto' as const, gzipBytes: 16 * 1024 }],
      breakdown: { gzipBytes: 0, folders: [], files: [] },
    };
    const byVariant = Object.fromEntries(rows({ ...base, bundle }).map((r) => [r.variant, r.status]));
    expect(byVariant).toMatchObject({ 'entry convai-transport/auto, own code, all exports': '', 'core entry, own code': 'met', 'WebSocket lazy chunk': 'met', 'Pipecat bytes at start': 'missed' });
  });
});
