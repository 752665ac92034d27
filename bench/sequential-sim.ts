// Simulated A/B series for the sequential judge (harness/canary/sequential.ts), seeded and deterministic: bench
// item 8 and the unit test share it. A trial's per-window p50 latencies are log-normal around the trial's level,
// itself log-normal around the service's (a trial runs on fresh containers on a shared machine); the canary's
// service is `effect` slower. Each pair then goes through the judge's own rule for one metric: per-trial medians,
// their difference, the pooled baseline's median for the margin, the recorder-resolution floor, decide().
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { median } from "simple-statistics";
import type { Direction } from "../harness/canary/config.ts";
import { asymptoticHalfWidth, confidenceInterval, decide, MIN_PAIRS, plannedPair, RESOLUTION, rho2For } from "../harness/canary/sequential.ts";

export interface LatencyModel {
  /** The service's median latency. */
  medianMs: number;
  /** Standard deviation of a trial's log level around the service's (trial-to-trial noise). */
  trialSd: number;
  /** Standard deviation of a window's log p50 around its trial's level. */
  windowSd: number;
  /** Windows per trial (8 s of steady load in 1 s windows, as test/scenarios/ab-steady.yaml). */
  windows: number;
}

export const LATENCY_MODEL: LatencyModel = { medianMs: 20, trialSd: 0.05, windowSd: 0.1, windows: 8 };

/** Standard normal draws from a seeded generator (Box-Muller). */
export function normals(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng));
}

/** One trial's per-window p50 values. */
export function trialWindows(normal: () => number, model: LatencyModel, effect: number): number[] {
  const level = Math.log(model.medianMs * (1 + effect)) + model.trialSd * normal();
  return Array.from({ length: model.windows }, () => Math.exp(level + model.windowSd * normal()));
}

export interface SeriesOptions {
  maxPairs: number;
  /** The metric's level (the family's, split). */
  alpha: number;
  /** Relative margin (the judge's `margin`; floor 0). */
  margin: number;
  direction: Direction;
  /** Canary slower by this share (0.3 = +30%); 0 for A/A. */
  effect: number;
  model?: LatencyModel;
}

export interface SeriesOutcome {
  decision: "pass" | "fail" | "undecided";
  /** Pairs run: until the decision, or all of them. */
  pairs: number;
}

/** One A/B series under the sequential judge, looked at after every pair; stops at the decision. */
export function sequentialSeries(normal: () => number, o: SeriesOptions): SeriesOutcome {
  const model = o.model ?? LATENCY_MODEL;
  const rho2 = rho2For(plannedPair(o.maxPairs), o.alpha);
  const pooled: number[] = [];
  const diffs: number[] = [];
  for (let k = 1; k <= o.maxPairs; k++) {
    const b = trialWindows(normal, model, 0);
    const c = trialWindows(normal, model, o.effect);
    pooled.push(...b);
    diffs.push(median(c) - median(b));
    if (k < MIN_PAIRS) continue;
    const base = median(pooled);
    const ci = confidenceInterval(diffs, o.alpha, rho2, RESOLUTION * base);
    const d = decide(ci.bounds, o.margin * base, o.direction);
    if (d !== "continue") return { decision: d, pairs: k };
  }
  return { decision: "undecided", pairs: o.maxPairs };
}

/** Student's t 97.5% quantiles by degrees of freedom (1–29). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074,
  2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045,
];

export type Peeker = "fixed" | "sequential" | "asymptotic";

/**
 * Whether an A/A series of up to `maxPairs` pairs declares a difference: the first time, looked at after every
 * pair from the second, that the interval excludes 0. `fixed`: the fixed-sample 95% t interval (a t-test at
 * 5% each time); `sequential`: the judge's sequence at `alpha`; `asymptotic`: Waudby-Smith et al.'s asymptotic
 * sequence with the running empirical variance, as written (what the judge does not use).
 */
export function peekingSeries(normal: () => number, kind: Peeker, maxPairs: number, alpha: number, model = LATENCY_MODEL): boolean {
  if (maxPairs - 1 > T975.length) throw new RangeError(`at most ${T975.length + 1} pairs`);
  const rho2 = rho2For(plannedPair(maxPairs), alpha);
  const pooled: number[] = [];
  const diffs: number[] = [];
  for (let k = 1; k <= maxPairs; k++) {
    const b = trialWindows(normal, model, 0);
    const c = trialWindows(normal, model, 0);
    pooled.push(...b);
    diffs.push(median(c) - median(b));
    if (k < MIN_PAIRS) continue;
    let bounds: readonly [number, number];
    if (kind === "sequential") bounds = confidenceInterval(diffs, alpha, rho2, RESOLUTION * median(pooled)).bounds;
    else {
      const { mean, sd } = confidenceInterval(diffs, alpha, rho2);
      const half = kind === "fixed" ? (T975[k - 2]! * sd) / Math.sqrt(k) : asymptoticHalfWidth(k, sd, rho2, alpha);
      bounds = [mean - half, mean + half];
    }
    if (decide(bounds, 0, "either") === "fail") return true;
  }
  return false;
}

/** The share of `series` series that declare a difference. */
export function falsePositiveRate(kind: Peeker, o: { seed: number; series: number; maxPairs: number; alpha: number }): number {
  const normal = normals(o.seed);
  let positives = 0;
  for (let i = 0; i < o.series; i++) if (peekingSeries(normal, kind, o.maxPairs, o.alpha)) positives++;
  return positives / o.series;
}

export interface PairsUsed {
  series: number;
  maxPairs: number;
  /** Pairs run: median and the worse quartile (75th percentile, nearest rank). */
  median: number;
  q3: number;
  /** Shares of the series by decision. */
  pass: number;
  fail: number;
  undecided: number;
}

const nearestRank = (sorted: readonly number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;

/** How many pairs the sequential judge runs over `series` simulated series. */
export function pairsUsed(o: SeriesOptions & { seed: number; series: number }): PairsUsed {
  const normal = normals(o.seed);
  const outcomes = Array.from({ length: o.series }, () => sequentialSeries(normal, o));
  const pairs = outcomes.map((x) => x.pairs).sort((a, b) => a - b);
  const share = (d: SeriesOutcome["decision"]) => outcomes.filter((x) => x.decision === d).length / o.series;
  return { series: o.series, maxPairs: o.maxPairs, median: nearestRank(pairs, 0.5), q3: nearestRank(pairs, 0.75), pass: share("pass"), fail: share("fail"), undecided: share("undecided") };
}
