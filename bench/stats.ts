/** Small statistics for interleaved A/B runs: medians, spread, and per-pair comparisons. */

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
}

/** Linear-interpolated quantile of a non-empty sample. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** `digits`: decimals kept (1 by default; small shares such as gap percentages need more). */
export function summarize(values: readonly number[], digits = 1): Summary {
  return {
    n: values.length,
    median: round(median(values), digits),
    p10: round(quantile(values, 0.1), digits),
    p90: round(quantile(values, 0.9), digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
  };
}

export interface PairComparison {
  readonly pairs: number;
  /** Median of candidate / baseline, pair by pair: robust against drift across the run. */
  readonly medianRatio: number;
  /** Median of candidate - baseline, pair by pair (ms): the overhead the targets speak of. */
  readonly medianDiff: number;
}

/** Compares two samples taken in interleaved pairs (index i of each belongs to round i). */
export function comparePairs(baseline: readonly (number | undefined)[], candidate: readonly (number | undefined)[]): PairComparison {
  const ratios: number[] = [];
  const diffs: number[] = [];
  for (let i = 0; i < Math.min(baseline.length, candidate.length); i++) {
    const b = baseline[i];
    const c = candidate[i];
    if (b === undefined || c === undefined || b <= 0) continue;
    ratios.push(c / b);
    diffs.push(c - b);
  }
  return { pairs: ratios.length, medianRatio: round(median(ratios), 3), medianDiff: round(median(diffs)) };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Order of the variants in round `i`: forwards on even rounds, backwards on odd ones, so
 * neither variant always runs first (a warm cache or a JIT'd path would favour the second).
 */
export function roundOrder<T>(variants: readonly T[], i: number): T[] {
  return i % 2 === 0 ? [...variants] : [...variants].reverse();
}
