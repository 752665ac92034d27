// The baseline the statistical detectors compare against: learnt from the first `baselineMs` of points
// (ewma, cusum: fixed afterwards, the "phase I" of a control chart) or kept trailing (ksigma).
import { mean, standardDeviation } from "simple-statistics";
import type { Point } from "./detector.ts";

export interface Baseline {
  mu: number;
  sigma: number;
}

/** Mean and standard deviation of the values, σ floored at `minSigma` (a constant baseline has σ = 0). */
export function baselineOf(values: readonly number[], minSigma: number): Baseline {
  return { mu: mean(values as number[]), sigma: Math.max(standardDeviation(values as number[]), minSigma) };
}

// Differences this small relative to the values (or absolutely, among subnormal numbers) are rounding in
// the mean of equal values, not change.
const ROUNDING = 1e-12;
const TINY = 1e-300;

/** (x − μ) / σ; with σ = 0 any real difference is infinitely many σ away. */
export function standardise(x: number, b: Baseline): number {
  const diff = x - b.mu;
  if (Math.abs(diff) <= Math.max(TINY, ROUNDING * Math.max(Math.abs(x), Math.abs(b.mu)))) return 0;
  return b.sigma > 0 ? diff / b.sigma : diff * Infinity;
}

export interface Learning {
  firstAt: number | null;
  values: number[];
}

/**
 * Collects points until `baselineMs` has passed since the first one (and at least two were seen); then
 * returns the baseline, learnt from the points before the current one.
 */
export function learn(l: Learning, point: Point, baselineMs: number, minSigma: number): { learning: Learning; baseline?: Baseline } {
  const firstAt = l.firstAt ?? point.at;
  if (point.at - firstAt >= baselineMs && l.values.length >= 2) return { learning: l, baseline: baselineOf(l.values, minSigma) };
  return { learning: { firstAt, values: [...l.values, point.value] } };
}

/** Tracks how long a condition has held; alarmed once it held for `forMs`. */
export function sustained(since: number | null, holdsNow: boolean, at: number, forMs: number): { since: number | null; alarm: boolean } {
  if (!holdsNow) return { since: null, alarm: false };
  const start = since ?? at;
  return { since: start, alarm: at - start >= forMs };
}
