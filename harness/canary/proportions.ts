// Two proportions (e.g. failed / all requests of baseline and canary) and the confidence interval of their
// difference by Newcombe's hybrid score method (Newcombe 1998, "Interval estimation for the difference
// between independent proportions", method 10), built on Wilson score intervals of each proportion, with a
// p-value obtained by inverting that same interval, so that the two can never disagree.
// simple-statistics has none of these; they are written here and tested against Newcombe's published tables.
import { normalCdf, normalQuantile } from "./normal.ts";

export interface Proportion {
  count: number;
  total: number;
}

/** Wilson score interval of count/total for the normal quantile z. */
function wilsonAt(p: Proportion, z: number): [number, number] {
  if (p.total === 0) return [0, 1];
  const n = p.total;
  const phat = p.count / n;
  const denominator = 1 + (z * z) / n;
  const centre = (phat + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((phat * (1 - phat)) / n + (z * z) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const zFor = (confidence: number) => normalQuantile(1 - (1 - confidence) / 2);

/** Wilson score interval of count/total. */
export function wilson(p: Proportion, confidence: number): [number, number] {
  return wilsonAt(p, p.total === 0 ? 0 : zFor(confidence));
}

/** Newcombe's hybrid score interval of canary − baseline for the normal quantile z. */
function newcombeAt(baseline: Proportion, canary: Proportion, z: number): [number, number] {
  const p1 = canary.count / canary.total;
  const p2 = baseline.count / baseline.total;
  const [l1, u1] = wilsonAt(canary, z);
  const [l2, u2] = wilsonAt(baseline, z);
  const d = p1 - p2;
  return [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
}

export interface ProportionDifference {
  baseline: number;
  canary: number;
  /** canary − baseline. */
  difference: number;
  ci: [number, number];
  /**
   * Two-sided p-value of "no difference" by inversion of the same interval: 1 − c*, where c* is the
   * confidence at which the interval's bound on the side of 0 reaches 0 (below c* the interval excludes 0,
   * from c* on it holds it). So pValue < 1 − confidence exactly when `ci` excludes 0.
   */
  pValue: number;
  confidence: number;
}

/**
 * The z* at which the bound of the interval nearest 0 reaches 0, by bisection to the last bit: the bounds
 * move away from the difference monotonically as z grows (each Wilson interval widens), so below z* the
 * interval excludes 0 and from z* on it holds it. Returned is the smallest double found on the "holds 0"
 * side. Only called with a difference other than 0.
 */
function zAtZero(baseline: Proportion, canary: Proportion, difference: number): number {
  const excludes = (z: number) => {
    const [lo, hi] = newcombeAt(baseline, canary, z);
    return difference > 0 ? lo > 0 : hi < 0;
  };
  // At z = 0 the interval is the point `difference`; as z grows without bound the bound nearest 0 tends to
  // d − √(p1² + (1 − p2)²) < 0 (d > 0; mirrored for d < 0), so a z holding 0 exists.
  let lo = 0;
  let hi = 1;
  while (excludes(hi)) {
    lo = hi;
    hi *= 2;
  }
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return hi;
    if (excludes(mid)) lo = mid;
    else hi = mid;
  }
}

export function compareProportions(baseline: Proportion, canary: Proportion, confidence = 0.98): ProportionDifference {
  if (baseline.total === 0 || canary.total === 0) throw new RangeError("both proportions need at least one observation");
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`the confidence must be strictly between 0 and 1, not ${confidence}`);
  const p1 = canary.count / canary.total;
  const p2 = baseline.count / baseline.total;
  const difference = p1 - p2;
  const ci = newcombeAt(baseline, canary, zFor(confidence));
  // Equal proportions (both 0 included): every interval holds 0, so p = 1.
  let pValue = difference === 0 ? 1 : 2 * normalCdf(-zAtZero(baseline, canary, difference));
  // z* and the quantile of `confidence` are each a few ulps from exact; where they meet, the interval as
  // reported decides, so that the two never disagree even in the last bit.
  const alpha = 1 - confidence;
  const excludes = ci[0] > 0 || ci[1] < 0;
  if (excludes && !(pValue < alpha)) pValue = alpha - Number.EPSILON * alpha;
  if (!excludes && pValue < alpha) pValue = alpha;
  return { baseline: p2, canary: p1, difference, ci, pValue, confidence };
}

/** The sum of several proportions' counts and totals. */
export const pooled = (parts: readonly Proportion[]): Proportion => ({ count: parts.reduce((s, p) => s + p.count, 0), total: parts.reduce((s, p) => s + p.total, 0) });

/**
 * Requests are not independent: a trial's share of errors or of slow requests moves with what the trial shares
 * (the machine's state at the time, the length of its outages). Pearson's dispersion of the trials' counts around
 * their side's pooled proportion (the quasi-binomial φ = X² / df, at least 1; McCullagh & Nelder, Generalized
 * Linear Models, §4.5), pooled over both sides, says how many times wider than the binomial the spread between
 * trials really is. A side with one trial, or a pooled proportion of 0 or 1, adds nothing to estimate it from;
 * with nothing at all it is 1.
 */
export function dispersion(sides: readonly (readonly Proportion[])[]): number {
  let x2 = 0;
  let df = 0;
  for (const trials of sides) {
    const used = trials.filter((t) => t.total > 0);
    const all = pooled(used);
    const p = all.total ? all.count / all.total : 0;
    if (used.length < 2 || p <= 0 || p >= 1) continue;
    x2 += used.reduce((s, t) => s + (t.count - t.total * p) ** 2 / (t.total * p * (1 - p)), 0);
    df += used.length - 1;
  }
  return df ? Math.max(1, x2 / df) : 1;
}

/** A proportion's effective sample under dispersion φ: the same share, φ times fewer independent observations. */
export const deflated = (p: Proportion, phi: number): Proportion => ({ count: p.count / phi, total: p.total / phi });
