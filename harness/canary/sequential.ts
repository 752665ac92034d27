// The sequential A/B judge (`run --ab --sequential --max-trials N`): after each pair of trials (baseline k,
// canary k) an always-valid confidence sequence for the mean difference canary − baseline of each metric says
// pass (it lies inside the practical margin), fail (it lies beyond the margin on the bad side) or continue. The
// sequence is valid at every pair at once, so looking after every pair and stopping on what it shows keeps
// the error rate: a fixed-sample interval looked at after every pair does not (docs/canary.md, "Sequential
// mode", has the figures).
//
// The boundary. Howard, Ramdas, McAuliffe, Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence
// sequences", Ann. Statist. 49(2), 2021, eq. (3.7) (eq. (14) of arXiv:1810.08240), the two-sided normal
// mixture u(v) = sqrt((v + ρ_H) log((v + ρ_H) / (α² ρ_H))), read at v = t for unit variance and ρ_H = 1/ρ²,
// gives Waudby-Smith, Arbour, Sinha, Kennedy, Ramdas, "Time-uniform central limit theory and asymptotic
// confidence sequences" (arXiv:2103.06476, 2021; Ann. Statist. 2024), the asymptotic confidence sequence
//
//   C_t = mean_t ± σ̂_t · sqrt( 2(tρ² + 1) / (t²ρ²) · log( sqrt(tρ² + 1) / α ) )        (asymptoticHalfWidth)
//
// With the running empirical variance that sequence is valid only as t grows: on Gaussian A/A differences,
// looked at after every pair from pair 2 to 20, it excludes the true difference in about a quarter of the series
// (σ̂ from 2 or 3 values is often tiny), about as often as a t-test looked at after every pair. So the judge uses the same
// normal mixture over the effect in units of σ, with σ integrated out under its scale-invariant prior dσ/σ
// (Lai, "On confidence sequences", Ann. Statist. 4(2), 1976): the mixture is then a likelihood ratio of the
// scale-free statistic, a nonnegative martingale whatever σ, and Ville's inequality makes it valid at every t ≥ 2,
// not only asymptotically. In closed form it is the one-sample Bayes factor of Gönen, Johnson, Lu, Westfall
// (Am. Stat. 59(3), 2005) with prior variance ρ² on the effect size:
//
//   B_t(m) = (1 + tρ²)^(−1/2) · [ (1 + T²/ν) / (1 + T²/(ν(1 + tρ²))) ]^((ν+1)/2),   T = (mean_t − m) / (s_t / √t), ν = t − 1
//
// and C_t = { m : B_t(m) < 1/α } = mean_t ± |T|max · s_t / √t (tHalfWidth). As t grows, |T|max · s_t / √t tends
// to the asymptotic half-width above: the same sequence, exact for Gaussian differences at every t. It is
// unbounded until the mixture can reach 1/α at all (a few pairs, more at a smaller α).
//
// ρ: Howard et al.'s Proposition 3, eq. (3.14): the boundary is tightest at t* when t*ρ² = −W₋₁(−α²/e) − 1
// (W₋₁ the lower branch of Lambert's W). t* = ⌈N/2⌉ for at most N pairs (at least 2): it catches a regression
// earlier than t* = N, and at pair N it is as tight (within 1%: the exact boundary is narrowest later than the
// asymptotic one it is tuned by). With α = 1.25% and N = 10 the sequence is bounded from pair 5.
//
// α: the family level (5%) is split over the metrics with Bonferroni, α/K each for the K metrics the first pair
// measures, so that the chance that any metric's sequence ever misses its true difference stays ≤ α.
import { median } from "simple-statistics";
import { otherValues } from "./any-metric.ts";
import { effectiveMargin, TAIL_METRICS, type Direction, type JudgeConfig, type MetricSpec, type MetricUnit } from "./config.ts";
import { marginText, metricValueText } from "./values.ts";
import { failedProportion, faultValues, windowValues, type Side } from "./samples.ts";
import type { Journal } from "../contracts/journal.ts";

/** Family-wise level of the sequential judge: the chance that any metric's sequence ever misses. */
export const SEQUENTIAL_ALPHA = 0.05;
/** A confidence sequence needs a variance, so two pairs at least (and it stays unbounded longer at small α). */
export const MIN_PAIRS = 2;
/** Exit codes of the sequential verdict. */
export const SEQUENTIAL_EXIT_CODES = { pass: 0, fail: 1, inconclusive: 4 } as const;
/**
 * The recorder's histograms keep 2 significant digits, so per-window quantiles of the same service move by up
 * to 1% between trials: a spread below 1% of the baseline value is not measured. Without this floor, identical
 * differences (throughput capped at the load's rate on both sides) would make a zero-width sequence.
 */
export const RESOLUTION = 0.01;

// ─── the practical margin, read through one adapter ───────────────────────────────────────────────

export interface PracticalMargin {
  /** Relative to the baseline's value (0.1 = 10%). */
  margin: number;
  /** Absolute, in the metric's unit (error_rate: a share, 0.01 = 1 point). */
  floor: number;
}

/**
 * A metric's practical margin. The judge's MetricSpec has `tolerance` today: relative for every metric but
 * error_rate, where it is absolute (percentage points); so it becomes `margin` (floor 0), or error_rate's floor.
 * When MetricSpec carries `margin` and `floor`, this becomes `({ margin: spec.margin, floor: spec.floor })`.
 */
export const practicalMargin = (spec: MetricSpec): PracticalMargin => ({ margin: spec.margin, floor: spec.floor });

// ─── the boundary ─────────────────────────────────────────────────────────────────────────────────

/** −W₋₁(−α²/e): the z > 1 with z − ln z = 1 − 2 ln α (Newton's method, from the asymptotic expansion). */
export function minusLambertWm1(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`α must lie strictly between 0 and 1, not ${alpha}`);
  const c = 1 - 2 * Math.log(alpha);
  let z = c + Math.log(c);
  for (let i = 0; i < 50; i++) {
    const next = z - (z - Math.log(z) - c) / (1 - 1 / z);
    if (Math.abs(next - z) < 1e-12 * z) return next;
    z = next;
  }
  return z;
}

/** ρ² that makes the normal-mixture boundary tightest at t*: Howard et al. 2021, Prop. 3, eq. (3.14), t*ρ² = −W₋₁(−α²/e) − 1. */
export const rho2For = (tStar: number, alpha: number): number => (minusLambertWm1(alpha) - 1) / tStar;

/** The pair the sequence is tuned for, out of at most `maxPairs`. */
export const plannedPair = (maxPairs: number): number => Math.max(MIN_PAIRS, Math.ceil(maxPairs / 2));

/** Waudby-Smith et al.'s asymptotic half-width for standard deviation `sd` after t values (the limit of tHalfWidth). */
export function asymptoticHalfWidth(t: number, sd: number, rho2: number, alpha: number): number {
  const a = t * rho2 + 1;
  return sd * Math.sqrt(((2 * a) / (t * t * rho2)) * Math.log(Math.sqrt(a) / alpha));
}

/** The largest |T| the mixture B_t leaves inside the sequence after t values; Infinity while B_t cannot reach 1/α. */
export function tBoundary(t: number, rho2: number, alpha: number): number {
  if (t < MIN_PAIRS) return Infinity;
  const nu = t - 1;
  const a = 1 + t * rho2;
  // B_t ≥ 1/α ⟺ (1 + u) / (1 + u/a) ≥ K with u = T²/ν and K = (√a/α)^(2/t); the left side tends to a as u → ∞.
  const k = Math.exp((Math.log(a) - 2 * Math.log(alpha)) / t);
  if (k >= a) return Infinity;
  return Math.sqrt((nu * (k - 1)) / (1 - k / a));
}

/** Half-width of the sequence after t values with sample standard deviation `sd` (n − 1 in the denominator). */
export const tHalfWidth = (t: number, sd: number, rho2: number, alpha: number): number => {
  const b = tBoundary(t, rho2, alpha);
  return b === Infinity ? Infinity : (b * sd) / Math.sqrt(t);
};

/** The first pair at which a sequence at `alpha`, tuned for at most `maxPairs`, can be bounded. */
export function firstBoundedPair(maxPairs: number, alpha: number): number {
  const rho2 = rho2For(plannedPair(maxPairs), alpha);
  let t = MIN_PAIRS;
  while (tBoundary(t, rho2, alpha) === Infinity) t++;
  return t;
}

export interface Interval {
  t: number;
  mean: number;
  /** Sample standard deviation as used: at least the floor. */
  sd: number;
  /** [lower, upper]; ±Infinity while the sequence is unbounded. */
  bounds: [number, number];
}

/** The sequence after the values `d` (the differences of the pairs so far). */
export function confidenceInterval(d: readonly number[], alpha: number, rho2: number, sdFloor = 0): Interval {
  const t = d.length;
  const mean = t ? d.reduce((s, x) => s + x, 0) / t : NaN;
  const variance = t > 1 ? d.reduce((s, x) => s + (x - mean) ** 2, 0) / (t - 1) : NaN;
  const sd = Math.max(Math.sqrt(variance), sdFloor);
  const b = tBoundary(t, rho2, alpha);
  // A finite boundary with sd 0 (no floor given, identical values) is the point itself.
  const half = b === Infinity ? Infinity : sd === 0 ? 0 : (b * sd) / Math.sqrt(t);
  return { t, mean, sd, bounds: [mean - half, mean + half] };
}

export type StepDecision = "pass" | "fail" | "continue";

const bad = (direction: Direction, up: boolean) => direction === "either" || direction === (up ? "increase" : "decrease");

/**
 * Fail when the sequence lies beyond the margin on a bad side; pass when it lies inside the margin on every bad
 * side (an improvement however large passes); else continue.
 */
export function decide([lower, upper]: readonly [number, number], margin: number, direction: Direction): StepDecision {
  if ((bad(direction, true) && lower > margin) || (bad(direction, false) && upper < -margin)) return "fail";
  if ((!bad(direction, true) || upper < margin) && (!bad(direction, false) || lower > -margin)) return "pass";
  return "continue";
}

// ─── one metric over the pairs of an A/B run ───────────────────────────────────────────────────────

export interface TrialJournal {
  file: string;
  journal: Journal;
}

export interface Pair {
  baseline: TrialJournal;
  canary: TrialJournal;
}

type ValueSpec = Pick<MetricSpec, "source" | "phase">;

/**
 * Whether the sequential judge leaves the metric out: the tails (tail_p95, tail_p99) are shares above the
 * baseline's pooled quantile, which has no value of one trial on its own; they are "nodata" here and judged by
 * the fixed-sample judge on the trials run.
 */
export const notSequential = (spec: ValueSpec): boolean => spec.source.kind === "metric" && (TAIL_METRICS as readonly string[]).includes(spec.source.metric);

/**
 * A side's value of a metric, as the judge summarises a side: the median of its samples (windows, faults,
 * query steps, Docker stats samples), or its failed share; null without data, or for a metric left out.
 */
function sideValue(spec: ValueSpec, side: Side): { value: number; requests?: number } | null {
  const source = spec.source;
  if (notSequential(spec)) return null;
  if (source.kind !== "metric") {
    const s = otherValues(side, { source, phase: spec.phase });
    return "values" in s ? { value: median(s.values) } : null;
  }
  const metric = source.metric;
  if (metric === "error_rate") {
    const p = failedProportion(side, spec.phase!);
    return p.total ? { value: p.count / p.total, requests: p.total } : null;
  }
  if (metric === "tail_p95" || metric === "tail_p99") return null;
  const values = metric === "mttr" || metric === "mttd" ? faultValues(side, metric).values : windowValues(side, metric, spec.phase!);
  return values.length ? { value: median(values) } : null;
}

/** What one trial says of a metric (and, for a share, of how many requests); null without data. */
export const trialValue = (spec: ValueSpec, trial: TrialJournal) => sideValue(spec, { label: "trial", journals: [trial] });

/** The baseline's value over all its trials so far, pooled. */
export const pooledBaseline = (spec: ValueSpec, trials: readonly TrialJournal[]): number | null =>
  sideValue(spec, { label: "baseline", journals: [...trials] })?.value ?? null;

export interface SequentialStep {
  /** The pair this step follows (1-based). */
  pair: number;
  /** Pairs with a value on both sides so far. */
  n: number;
  /** Canary − baseline of this pair; null when a side has no value. */
  difference: number | null;
  mean: number | null;
  /** The sequence after this pair; null before two values (or ±Infinity while unbounded, written as null in JSON). */
  interval: [number | null, number | null] | null;
  /** The effective margin from the pooled baseline value so far. */
  margin: number | null;
  decision: StepDecision;
}

export type MetricDecision = "pass" | "fail" | "undecided" | "nodata";

export interface SequentialMetric extends Pick<MetricSpec, "name" | "source" | "unit" | "phase" | "direction" | "critical">, PracticalMargin {
  alpha: number;
  /** Pooled baseline value after the last pair. */
  baseline: number | null;
  /** The effective margin after the last pair (or at the decision). */
  effectiveMargin: number | null;
  steps: SequentialStep[];
  decision: MetricDecision;
  /** The pair at which the sequence decided. */
  decidedAt: number | null;
  /** Pairs with a value on both sides up to the decision (or all of them when undecided). */
  pairsUsed: number;
}

export type SequentialVerdict = "pass" | "fail" | "inconclusive";

export interface SequentialResult {
  method: "normal-mixture confidence sequence (Howard et al. 2021; Waudby-Smith et al. 2021), variance mixed out (Lai 1976)";
  /** Family-wise level, split over the metrics. */
  alpha: number;
  maxPairs: number;
  /** The pair the boundary is tuned for, and ρ² for the per-metric α. */
  plannedPair: number;
  rho2: number;
  /** Pairs run. */
  pairs: number;
  /** Whether the data decided before the last allowed pair ran out. */
  stopped: boolean;
  reason: string;
  verdict: SequentialVerdict;
  metrics: SequentialMetric[];
}

function analyseMetric(spec: MetricSpec, pairs: readonly Pair[], alpha: number, rho2: number): SequentialMetric {
  const pm = practicalMargin(spec);
  const diffs: number[] = [];
  const steps: SequentialStep[] = [];
  let decided = null as { decision: "pass" | "fail"; at: number; n: number } | null;
  let baseline: number | null = null;
  let margin: number | null = null;
  let fewestRequests = Infinity;
  for (const [i, pair] of pairs.entries()) {
    const b = trialValue(spec, pair.baseline);
    const c = trialValue(spec, pair.canary);
    const difference = b && c ? c.value - b.value : null;
    if (b && c) {
      diffs.push(c.value - b.value);
      fewestRequests = Math.min(fewestRequests, b.requests ?? Infinity, c.requests ?? Infinity);
    }
    // The margin follows the pooled baseline until the metric decides, then stays what it was decided against.
    if (!decided) {
      baseline = pooledBaseline(spec, pairs.slice(0, i + 1).map((p) => p.baseline));
      margin = baseline === null ? null : effectiveMargin(pm, baseline);
    }
    // The floor: one request of the smallest trial for a share, the recorder's resolution for the others.
    const floor = spec.source.kind === "metric" && spec.source.metric === "error_rate" ? (fewestRequests === Infinity ? 0 : 1 / fewestRequests) : RESOLUTION * Math.abs(baseline ?? 0);
    const ci = diffs.length ? confidenceInterval(diffs, alpha, rho2, floor) : null;
    const ready = ci !== null && diffs.length >= MIN_PAIRS;
    const step = ready && margin !== null ? decide(ci.bounds, margin, spec.direction) : "continue";
    if (!decided && step !== "continue") decided = { decision: step, at: i + 1, n: diffs.length };
    const bound = (x: number) => (Number.isFinite(x) ? x : null);
    steps.push({
      pair: i + 1,
      n: diffs.length,
      difference,
      mean: ci ? ci.mean : null,
      interval: ready ? [bound(ci.bounds[0]), bound(ci.bounds[1])] : null,
      margin,
      decision: decided ? decided.decision : step,
    });
  }
  const { name, source, unit, phase, direction, critical } = spec;
  return {
    name,
    source,
    unit,
    phase,
    direction,
    critical,
    ...pm,
    alpha,
    baseline,
    effectiveMargin: margin,
    steps,
    decision: decided ? decided.decision : "undecided",
    decidedAt: decided ? decided.at : null,
    pairsUsed: decided ? decided.n : diffs.length,
  };
}

export interface SequentialOptions {
  maxPairs: number;
  /** Family-wise level (default 5%). */
  alpha?: number;
}

/** Whether a metric has a value on both sides of a pair. */
const measures = (spec: MetricSpec, pair: Pair): boolean => trialValue(spec, pair.baseline) !== null && trialValue(spec, pair.canary) !== null;

function unmeasured(spec: MetricSpec): SequentialMetric {
  const { name, source, unit, phase, direction, critical } = spec;
  return { name, source, unit, phase, direction, critical, ...practicalMargin(spec), alpha: 0, baseline: null, effectiveMargin: null, steps: [], decision: "nodata", decidedAt: null, pairsUsed: 0 };
}

/**
 * The sequential judgement after the pairs run so far. The family is the metrics the first pair measures on
 * both sides (what a scenario measures is set by it: a fault phase, faults, detection), each at α/K; a metric
 * without a value there is left out ("nodata"). It stops when every metric of the family has decided or a
 * critical metric failed; at the last allowed pair it stops anyway, undecided metrics inconclusive. Verdict:
 * fail when a metric failed (a non-critical one does not end the run early, so the others are still decided),
 * pass when every metric of the family passed, else inconclusive.
 */
export function analyseSequential(config: JudgeConfig, pairs: readonly Pair[], options: SequentialOptions): SequentialResult {
  const family = options.alpha ?? SEQUENTIAL_ALPHA;
  const first = pairs[0];
  const inFamily = config.metrics.map((spec) => first !== undefined && measures(spec, first));
  const k = inFamily.filter(Boolean).length;
  const alpha = family / Math.max(1, k);
  const tStar = plannedPair(options.maxPairs);
  const rho2 = rho2For(tStar, alpha);
  const metrics = config.metrics.map((spec, i) => (inFamily[i] ? analyseMetric(spec, pairs, alpha, rho2) : unmeasured(spec)));
  const withData = metrics.filter((m) => m.decision !== "nodata");
  const criticalFail = metrics.find((m) => m.critical && m.decision === "fail");
  const allDecided = withData.length > 0 && withData.every((m) => m.decision === "pass" || m.decision === "fail");
  const stopped = criticalFail !== undefined || allDecided;
  const failed = metrics.filter((m) => m.decision === "fail");
  const verdict: SequentialVerdict = failed.length ? "fail" : allDecided ? "pass" : "inconclusive";
  const reason = criticalFail
    ? `${criticalFail.name} (critical) failed at pair ${criticalFail.decidedAt}`
    : allDecided
      ? `every metric decided by pair ${Math.max(...withData.map((m) => m.decidedAt!))}`
      : withData.length
        ? `still undecided: ${withData.filter((m) => m.decision === "undecided").map((m) => m.name).join(", ")}`
        : "no metric had a value on both sides of the first pair";
  return {
    method: "normal-mixture confidence sequence (Howard et al. 2021; Waudby-Smith et al. 2021), variance mixed out (Lai 1976)",
    alpha: family,
    maxPairs: options.maxPairs,
    plannedPair: tStar,
    rho2,
    pairs: pairs.length,
    stopped,
    reason,
    verdict,
    metrics,
  };
}

/** Whether the A/B loop runs another pair. */
export const continues = (r: SequentialResult): boolean => !r.stopped && r.pairs < r.maxPairs;

// ─── text ─────────────────────────────────────────────────────────────────────────────────────────

const MINUS = "\u2212";
const amount = (unit: MetricUnit, x: number) => metricValueText(unit, x, true);

function intervalText(m: SequentialMetric, step: SequentialStep | undefined): string {
  if (!step || step.n === 0) return "no data";
  if (!step.interval) return `${step.n} value(s), too few`;
  const [lo, hi] = step.interval;
  if (lo === null || hi === null) return `[${MINUS}∞, +∞]`;
  return `[${amount(m.unit, lo)}, ${amount(m.unit, hi)}]`;
}

const WORD: Record<StepDecision, string> = { pass: "pass", fail: "FAIL", continue: "continue" };

/** One line per pair: `pair 3/10: p50 (steady) continue [-2.1ms, +5.3ms], …`. */
export function pairLine(r: SequentialResult): string {
  const parts = r.metrics
    .filter((m) => m.decision !== "nodata")
    .map((m) => {
      const step = m.steps[m.steps.length - 1];
      return `${m.name} ${step ? WORD[step.decision] : "continue"} ${intervalText(m, step)}`;
    });
  return `pair ${r.pairs}/${r.maxPairs}: ${parts.join(", ") || "no metric has data yet"}`;
}

const VERDICT_WORD: Record<SequentialVerdict, string> = { pass: "PASS", fail: "FAIL", inconclusive: "INCONCLUSIVE" };

const pctText = (x: number) => `${Number((x * 100).toPrecision(3))}%`;

/** The sequential judgement after the run: the verdict, why, and each metric's decision. */
export function sequentialText(r: SequentialResult): string {
  const head = `sequential ${VERDICT_WORD[r.verdict]} after ${r.pairs} of at most ${r.maxPairs} pairs: ${r.reason}`;
  const rows = r.metrics.map((m) => {
    if (m.decision === "nodata") {
      const why = notSequential(m) ? "not judged sequentially: a tail has no value of one trial; see the fixed-sample judge" : "not measured on both sides of the first pair";
      return `  ${m.name}${m.critical ? " *" : ""}: no data (${why})`;
    }
    const at = m.decidedAt === null ? "" : ` at pair ${m.decidedAt}`;
    const step = m.decidedAt === null ? m.steps[m.steps.length - 1] : m.steps[m.decidedAt - 1];
    const margin = m.effectiveMargin === null ? "" : marginText(m.unit, m.direction, m.effectiveMargin);
    return `  ${m.name}${m.critical ? " *" : ""}: ${m.decision}${at}, ${intervalText(m, step)}${margin ? ` (margin ${margin})` : ""}, α ${pctText(m.alpha)}`;
  });
  return [head, ...rows].join("\n") + "\n";
}
