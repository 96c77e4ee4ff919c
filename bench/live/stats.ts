/** Summary of a set of durations, in milliseconds. */
export interface Distribution {
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/**
 * Nearest-rank percentiles (p50 is the median), mean and max of `values`, rounded to 0.01 ms;
 * all zero when there are none.
 */
export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { p50: 0, p99: 0, mean: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const round = (value: number) => Math.round(value * 100) / 100;
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    p50: round(rank(0.5)),
    p99: round(rank(0.99)),
    mean: round(total / sorted.length),
    max: round(sorted.at(-1) ?? 0),
  };
}
