// Mann-Whitney U test with the Hodges-Lehmann shift and its confidence interval, computed as R's
// `wilcox.test(canary, baseline, conf.int = TRUE, exact = FALSE, correct = TRUE)` does and as Kayenta's
// MannWhitney ports it: the normal approximation with tie correction and continuity correction, the
// interval bounds being the shifts d at which the standardised rank statistic of (canary − d) against the
// baseline crosses ±z(1 − α/2), the shift itself where it crosses 0 (without continuity correction).
// simple-statistics gives the rank sum (wilcoxonRankSum) and the root finder (bisect); it has neither the
// tie-corrected variance nor the interval, which are written here.
import { bisect, wilcoxonRankSum } from "simple-statistics";
import { normalCdf, normalQuantile } from "./normal.ts";

export interface MannWhitneyResult {
  /** U of the canary: pairs (canary, baseline) in which the canary is larger, ties counting half. */
  u: number;
  /** Two-sided p-value of "no shift". */
  pValue: number;
  /** Hodges-Lehmann estimate of canary − baseline (the median of pairwise differences). */
  shift: number;
  /** Confidence interval of the shift. */
  ci: [number, number];
  confidence: number;
}

/** R's uniroot tolerance in wilcox.test. */
const ROOT_TOLERANCE = 1e-4;
const MAX_ITERATIONS = 200;

export class AllTiedError extends Error {
  constructor() {
    super("cannot compute a confidence interval when all observations are tied");
  }
}

/** Σ(t³ − t) over the groups of tied values of a sample. */
function tieSum(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  let sum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    const t = j - i;
    sum += t * t * t - t;
    i = j;
  }
  return sum;
}

/** Standardised statistic of (canary − d) against the baseline, minus zq. Decreasing in d. */
function standardised(canary: number[], baseline: number[], d: number, zq: number, correct: boolean): number {
  const nx = canary.length;
  const ny = baseline.length;
  const shifted = canary.map((x) => x - d);
  const dz = wilcoxonRankSum(shifted, baseline) - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
  const sigma = Math.sqrt(((nx * ny) / 12) * (nx + ny + 1 - tieSum([...shifted, ...baseline]) / ((nx + ny) * (nx + ny - 1))));
  if (sigma === 0) throw new AllTiedError();
  const correction = correct ? Math.sign(dz) * 0.5 : 0;
  return (dz - correction) / sigma - zq;
}

export function mannWhitney(baseline: number[], canary: number[], confidence = 0.98): MannWhitneyResult {
  if (!baseline.length || !canary.length) throw new RangeError("both samples need at least one value");
  const nx = canary.length;
  const u = wilcoxonRankSum(canary, baseline) - (nx * (nx + 1)) / 2;
  const z = standardised(canary, baseline, 0, 0, true);
  const pValue = Math.min(1, 2 * Math.min(normalCdf(z), 1 - normalCdf(z)));

  const muMin = Math.min(...canary) - Math.max(...baseline);
  const muMax = Math.max(...canary) - Math.min(...baseline);
  const root = (zq: number, correct: boolean): number => {
    // Each side constant (e.g. throughput capped at 200/s against 150/s): every pairwise difference is the
    // same number, so the shift is that number and any interval built from the differences collapses onto
    // it. R stops here ("all observations are tied" once the canary is shifted by it); for the judge this
    // is complete separation, whose size the effect-size tolerance then weighs as for any other shift.
    if (muMin === muMax) return muMin;
    const f = (d: number) => standardised(canary, baseline, d, zq, correct);
    if (f(muMin) <= 0) return muMin;
    if (f(muMax) >= 0) return muMax;
    return bisect(f, muMin, muMax, MAX_ITERATIONS, ROOT_TOLERANCE);
  };
  const zq = normalQuantile(1 - (1 - confidence) / 2);
  return { u, pValue, shift: root(0, false), ci: [root(zq, true), root(-zq, true)], confidence };
}

/**
 * Whether samples this small can show a shift at all at this confidence: with the normal approximation the
 * most extreme outcome (complete separation, no ties) must reach the critical z. Below that (e.g. 4 against
 * 4 at 98%) the asymptotic interval is only the range of the differences and must not be read as evidence.
 */
export function canShowShift(nx: number, ny: number, confidence: number): boolean {
  if (nx < 1 || ny < 1) return false;
  const sigma = Math.sqrt(((nx * ny) / 12) * (nx + ny + 1));
  return ((nx * ny) / 2 - 0.5) / sigma > normalQuantile(1 - (1 - confidence) / 2);
}
