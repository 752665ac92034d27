// Mann-Whitney U test with the Hodges-Lehmann shift of canary − baseline and its confidence interval,
// computed exactly as R's `wilcox.test(canary, baseline, conf.int = TRUE, conf.level = confidence, ...)`
// does (stats:::wilcox.test.default, two-sample branch, alternative = "two.sided", mu = 0):
//
// - method "normal" (R's exact = FALSE, correct = TRUE): normal approximation with the tie-corrected
//   variance and the continuity correction. The bounds are where the standardised statistic W(d) of
//   (canary − d) against the baseline crosses ±qnorm(α/2) and the estimate where the uncorrected W(d)
//   crosses 0, each found as R finds it: `uniroot(..., tol = 1e-4)`, i.e. R's zeroin (./zeroin.ts), whose
//   stopping point — up to 1e-4 from the step of W — is R's number. A bound whose W at the end of the range
//   of differences does not reach the quantile is that end, as in R.
// - method "exact" (R's exact = TRUE, or exact = NULL below 50 values a side): exact p-value from the
//   rank-sum distribution (./wilcoxon-distribution.ts), interval from the sorted pairwise differences at
//   qwilcox(α/2), estimate their median. Like R, the exact method needs untied data: with ties R (and this
//   code) falls back to the normal approximation.
//
// Where R's numbers contradict themselves this code departs from them, each time by less than R's own root
// tolerance (docs/canary.md, "Statistics", says when and why): the p-value decides on which side of 0 an
// interval bound lies, and the estimate is kept inside the interval.
import { normalCdf, normalQuantile } from "./normal.ts";
import { pwilcox, qwilcox } from "./wilcoxon-distribution.ts";
import { uniroot, type ZeroinResult } from "./zeroin.ts";

export type MannWhitneyMethod = "exact" | "normal";

export interface MannWhitneyOptions {
  /**
   * R's `exact`: true for the exact distribution (normal all the same when there are ties, as in R), false
   * for the normal approximation, "auto" for R's default (exact = NULL): exact when both samples have fewer
   * than 50 values and there are no ties. Default false (the normal approximation).
   */
  exact?: boolean | "auto";
  /** R's `correct`: continuity correction of the normal approximation (p-value and interval). Default true. */
  correct?: boolean;
}

export interface MannWhitneyResult {
  /** R's W: pairs (canary, baseline) in which the canary is larger, ties counting half (U of the canary). */
  u: number;
  /** Two-sided p-value of "no shift". */
  pValue: number;
  /** Hodges-Lehmann estimate of canary − baseline (R's "difference in location"). */
  shift: number;
  /** Confidence interval of the shift. */
  ci: [number, number];
  /** The confidence level asked for. */
  confidence: number;
  /** Which computation R (and this code) used. */
  method: MannWhitneyMethod;
  /**
   * R's attr(conf.int, "conf.level"): `confidence`, except when R warns "Requested conf.level not
   * achievable" (exact method, samples too small), where it is 1 − the achieved α, as R reports it.
   */
  achievedConfidence: number;
}

/** R's tol.root: uniroot's tolerance in wilcox.test. */
const ROOT_TOLERANCE = 1e-4;
/** uniroot's default maxiter. */
const MAX_ITERATIONS = 1000;
/** Below this many values on both sides, R's default (exact = NULL) uses the exact distribution. */
const EXACT_BELOW = 50;

export class AllTiedError extends Error {
  constructor() {
    super("cannot compute a confidence interval when all observations are tied");
  }
}

const ascending = (values: number[]) => Float64Array.from(values).sort();

/**
 * Rank sum of (x − d) in the pooled sample (x − d, y) with average ranks for ties, and Σ(t³ − t) over the tie
 * groups, as R's rank() and table() give them. x and y are sorted; x − d keeps x's order.
 */
function rankSum(x: Float64Array, y: Float64Array, d: number): { sum: number; ties: number } {
  let i = 0;
  let j = 0;
  let position = 0;
  let sum = 0;
  let ties = 0;
  while (i < x.length || j < y.length) {
    const xv = i < x.length ? x[i]! - d : Infinity;
    const yv = j < y.length ? y[j]! : Infinity;
    const v = Math.min(xv, yv);
    let cx = 0;
    while (i < x.length && x[i]! - d === v) {
      cx++;
      i++;
    }
    let cy = 0;
    while (j < y.length && y[j] === v) {
      cy++;
      j++;
    }
    const t = cx + cy;
    sum += cx * (position + (t + 1) / 2);
    ties += t * t * t - t;
    position += t;
  }
  return { sum, ties };
}

/**
 * R's W(d) inside wilcox.test: the standardised statistic of (canary − d) against the baseline, with the
 * tie-corrected variance and (when `correct`) the continuity correction sign(dz)·0.5. Non-increasing in d
 * between the steps at the pairwise differences.
 */
function standardised(x: Float64Array, y: Float64Array, d: number, correct: boolean): number {
  const nx = x.length;
  const ny = y.length;
  const r = rankSum(x, y, d);
  const dz = r.sum - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
  const correction = correct ? Math.sign(dz) * 0.5 : 0;
  const sigma = Math.sqrt(((nx * ny) / 12) * (nx + ny + 1 - r.ties / ((nx + ny) * (nx + ny - 1))));
  return (dz - correction) / sigma;
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const half = Math.floor(n / 2);
  // R's mean of the two middle values: (a + b)/2 rounded once, which a/2 + b/2 gives.
  return n % 2 === 1 ? sorted[half]! : sorted[half - 1]! / 2 + sorted[half]! / 2;
}

function checkSamples(baseline: number[], canary: number[], confidence: number): void {
  if (!baseline.length || !canary.length) throw new RangeError("both samples need at least one value");
  if (![...baseline, ...canary].every(Number.isFinite)) throw new RangeError("samples must be finite numbers");
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`the confidence must be strictly between 0 and 1, not ${confidence}`);
}

/** The method `mannWhitney` uses for these samples with this `exact` option (ties force the normal one, as in R). */
export function chosenMethod(baseline: readonly number[], canary: readonly number[], exact: MannWhitneyOptions["exact"] = false): MannWhitneyMethod {
  if (!exact || new Set([...baseline, ...canary]).size < baseline.length + canary.length) return "normal";
  return exact === true || (baseline.length < EXACT_BELOW && canary.length < EXACT_BELOW) ? "exact" : "normal";
}

export function mannWhitney(baseline: number[], canary: number[], confidence = 0.98, options: MannWhitneyOptions = {}): MannWhitneyResult {
  checkSamples(baseline, canary, confidence);
  const correct = options.correct ?? true;
  // R's x is the canary, y the baseline.
  const x = ascending(canary);
  const y = ascending(baseline);
  const nx = x.length;
  const ny = y.length;
  const at0 = rankSum(x, y, 0);
  const u = at0.sum - (nx * (nx + 1)) / 2;
  const hasTies = at0.ties > 0;
  const exact = options.exact ?? false;
  const useExact = exact === "auto" ? nx < EXACT_BELOW && ny < EXACT_BELOW && !hasTies : exact && !hasTies;
  const alpha = 1 - confidence;
  return useExact ? exactTest(x, y, u, alpha, confidence) : normalTest(x, y, u, alpha, confidence, correct);
}

function exactTest(x: Float64Array, y: Float64Array, u: number, alpha: number, confidence: number): MannWhitneyResult {
  const nx = x.length;
  const ny = y.length;
  const p = u > (nx * ny) / 2 ? pwilcox(u - 1, nx, ny, false) : pwilcox(u, nx, ny);
  const pValue = Math.min(2 * p, 1);

  const diffs = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) diffs[i * ny + j] = x[i]! - y[j]!;
  diffs.sort();
  let qu = qwilcox(alpha / 2, nx, ny);
  if (qu === 0) qu = 1;
  const ql = nx * ny - qu;
  const achievedAlpha = 2 * pwilcox(Math.trunc(qu) - 1, nx, ny);
  // R: diffs[qu] and diffs[ql + 1], 1-based.
  const ci: [number, number] = [diffs[qu - 1]!, diffs[ql]!];
  const achievedConfidence = achievedAlpha - alpha > alpha / 2 ? 1 - achievedAlpha : confidence;
  return { u, pValue, shift: median(diffs), ci, confidence, method: "exact", achievedConfidence };
}

function normalTest(x: Float64Array, y: Float64Array, u: number, alpha: number, confidence: number, correct: boolean): MannWhitneyResult {
  const nx = x.length;
  const ny = y.length;
  const mumin = x[0]! - y[ny - 1]!;
  const mumax = x[nx - 1]! - y[0]!;
  if (mumin === mumax && x[0] === y[0]) throw new AllTiedError();
  const z = standardised(x, y, 0, correct);
  const pValue = 2 * normalCdf(-Math.abs(z));
  const result = { u, pValue, confidence, method: "normal" as const, achievedConfidence: confidence };

  // Each side constant (e.g. throughput capped at 200/s against 150/s): every pairwise difference is the
  // same number, so the shift is that number and the interval collapses onto it. R stops here ("all
  // observations are tied" once the canary is shifted by it); for the judge this is complete separation,
  // whose size the effect-size tolerance then weighs as for any other shift.
  if (mumin === mumax) return { ...result, shift: mumin, ci: [mumin, mumin] };

  const W = (d: number) => standardised(x, y, d, correct);
  const wMumin = W(mumin);
  const wMumax = W(mumax);
  const atEnd = (root: number): ZeroinResult => ({ root, other: root, iterations: 0, estimatedPrecision: 0, converged: true });
  const root = (zq: number): ZeroinResult => {
    const fLower = wMumin - zq;
    if (fLower <= 0) return atEnd(mumin);
    const fUpper = wMumax - zq;
    if (fUpper >= 0) return atEnd(mumax);
    return uniroot((d) => W(d) - zq, mumin, mumax, { fLower, fUpper, tol: ROOT_TOLERANCE, maxiter: MAX_ITERATIONS });
  };
  // R: l <- root(zq = qnorm(alpha/2, lower.tail = FALSE)); u <- root(zq = qnorm(alpha/2)).
  const zq = normalQuantile(alpha / 2);
  let lower = root(-zq);
  let upper = root(zq);
  // R: ESTIMATE <- uniroot(W, lower = mumin, upper = mumax, tol = tol.root)$root, with correct <- FALSE.
  let shift = uniroot((d) => standardised(x, y, d, false), mumin, mumax, { tol: ROOT_TOLERANCE, maxiter: MAX_ITERATIONS }).root;

  // Where W jumps over the whole band ±zq at one step, R's two roots both stop within 1e-4 of that step and
  // can come back in reverse order: put them in order.
  if (lower.root > upper.root) [lower, upper] = [upper, lower];
  let l = lower.root;
  let h = upper.root;
  // The p-value is the test at d = 0 itself; the bounds are only within 1e-4 of the steps of W. When a
  // step sits at 0 (ties between the samples, quantised data) R's bound can stop on the wrong side of 0, or
  // a bound left at the end of the range (samples too small to reach the quantile) can exclude 0 that the
  // test accepts. The p-value decides: a bound that would exclude a 0 the test accepts is moved to 0; a
  // bound that would include a 0 the test rejects is moved past it, to the other end of the root finder's
  // final bracket (which lies past the step at 0), or to the smallest double past 0 should even that not.
  if (pValue < alpha) {
    if (l <= 0 && h >= 0) {
      if (z > 0) {
        l = lower.other > 0 ? lower.other : Number.MIN_VALUE;
        h = Math.max(h, l);
      } else {
        h = upper.other < 0 ? upper.other : -Number.MIN_VALUE;
        l = Math.min(l, h);
      }
    }
  } else {
    if (l > 0) l = 0;
    if (h < 0) h = 0;
  }
  // The estimate and a bound can stop within 1e-4 of the same step, in either order: keep the estimate inside.
  shift = Math.min(Math.max(shift, l), h);
  return { ...result, shift, ci: [l, h] };
}

/** choose(n, k) by exact integer steps while below 2^53. */
function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Whether samples this small can show a shift at all at this confidence.
 * - "normal": the most extreme outcome (complete separation, no ties) must reach the critical z. Below that
 *   (e.g. 4 against 4 at 98%) the asymptotic interval is only the range of the differences and must not be
 *   read as evidence.
 * - "exact": R's qwilcox(α/2) must be at least 1 (the probability of complete separation, 2/choose(m + n, n),
 *   below α). Below that R widens the interval to the whole range of differences and reports a lower
 *   achieved confidence (4 against 4 at 98% cannot, 4 against 5 can).
 */
export function canShowShift(nx: number, ny: number, confidence: number, method: MannWhitneyMethod = "normal"): boolean {
  if (nx < 1 || ny < 1) return false;
  if (method === "exact") return 1 / choose(nx + ny, Math.min(nx, ny)) < (1 - confidence) / 2 - 10 * Number.EPSILON;
  const sigma = Math.sqrt(((nx * ny) / 12) * (nx + ny + 1));
  return ((nx * ny) / 2 - 0.5) / sigma > normalQuantile(1 - (1 - confidence) / 2);
}
