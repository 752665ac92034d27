// Summaries of a set of values (one per trial or per fault): count, median, p90, min, max, with quantiles
// as simple-statistics computes them (R's type 7). "Never" values (a fault that never recovered) rank above
// every number; a statistic that lands on one is null, read "never".
import { quantileSorted } from "simple-statistics";

export interface Distribution {
  /** Values, never ones included. */
  count: number;
  never: number;
  median: number | null;
  p90: number | null;
  min: number | null;
  max: number | null;
}

export const STATS = ["median", "p90", "min", "max"] as const;
export type Stat = (typeof STATS)[number];

export function distribution(values: readonly number[], never = 0): Distribution {
  const sorted = [...values, ...Array<number>(never).fill(Infinity)].sort((a, b) => a - b);
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  // Between two never values the interpolation is Infinity − Infinity: still never.
  const q = (p: number) => {
    if (!sorted.length) return null;
    const v = quantileSorted(sorted, p);
    return Number.isNaN(v) ? null : finite(v);
  };
  return {
    count: sorted.length,
    never,
    median: q(0.5),
    p90: q(0.9),
    min: sorted.length ? finite(sorted[0]!) : null,
    max: sorted.length ? finite(sorted[sorted.length - 1]!) : null,
  };
}
