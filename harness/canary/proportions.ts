// Two proportions (e.g. failed / all requests of baseline and canary) and the confidence interval of their
// difference by Newcombe's hybrid score method (Newcombe 1998, "Interval estimation for the difference
// between independent proportions", method 10), built on Wilson score intervals of each proportion.
// simple-statistics has neither; both are written here and tested against Newcombe's published tables.
import { normalQuantile } from "./normal.ts";

export interface Proportion {
  count: number;
  total: number;
}

/** Wilson score interval of count/total. */
export function wilson(p: Proportion, confidence: number): [number, number] {
  if (p.total === 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const n = p.total;
  const phat = p.count / n;
  const denominator = 1 + (z * z) / n;
  const centre = (phat + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((phat * (1 - phat)) / n + (z * z) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface ProportionDifference {
  baseline: number;
  canary: number;
  /** canary − baseline. */
  difference: number;
  ci: [number, number];
  /** Two-sided p of "no difference", by inverting the same interval: below 1 − confidence exactly when the interval excludes 0. */
  pValue: number;
  confidence: number;
}

function newcombe(baseline: Proportion, canary: Proportion, confidence: number): [number, number] {
  const p1 = canary.count / canary.total;
  const p2 = baseline.count / baseline.total;
  const [l1, u1] = wilson(canary, confidence);
  const [l2, u2] = wilson(baseline, confidence);
  const d = p1 - p2;
  return [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
}

/** 1 − the largest confidence whose interval still holds 0 (the interval widens with the confidence). */
function invertedPValue(baseline: Proportion, canary: Proportion): number {
  const d = canary.count / canary.total - baseline.count / baseline.total;
  if (d === 0) return 1;
  const excludes = (confidence: number) => {
    const [lo, hi] = newcombe(baseline, canary, confidence);
    return lo > 0 || hi < 0;
  };
  let lo = 1e-12;
  let hi = 1 - 1e-15;
  if (!excludes(lo)) return 1;
  if (excludes(hi)) return 1 - hi;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (excludes(mid)) lo = mid;
    else hi = mid;
  }
  return 1 - lo;
}

export function compareProportions(baseline: Proportion, canary: Proportion, confidence = 0.98): ProportionDifference {
  if (baseline.total === 0 || canary.total === 0) throw new RangeError("both proportions need at least one observation");
  const p1 = canary.count / canary.total;
  const p2 = baseline.count / baseline.total;
  return { baseline: p2, canary: p1, difference: p1 - p2, ci: newcombe(baseline, canary, confidence), pValue: invertedPValue(baseline, canary), confidence };
}
