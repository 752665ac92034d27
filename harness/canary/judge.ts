// The canary judge. Each configured metric gets an estimate of canary − baseline, its confidence interval and
// the p-value of "no change" (Mann-Whitney with the Hodges-Lehmann shift, or two proportions), all from one
// test so they cannot disagree; Holm's method adjusts the p-values over the metrics. A metric passes when its
// interval rules out a change beyond its practical margin, fails (high or low) when its interval lies beyond
// the margin and its adjusted p is below the family-wise level, and is inconclusive otherwise. The verdict
// follows from the metrics' outcomes, weights, groups and critical flags (see `verdictOf`).
import { median } from "simple-statistics";
import { otherValues } from "./any-metric.ts";
import { effectiveMargin, type Direction, type JudgeConfig, type JudgeMetric, type MetricSpec, type Phase } from "./config.ts";
import { holm } from "./holm.ts";
import { canShowShift, chosenMethod, mannWhitney, type MannWhitneyMethod } from "./mann-whitney.ts";
import { compareProportions, deflated, dispersion, pooled, type Proportion } from "./proportions.ts";
import { failedProportion, faultValues, trialsOf, windowValues, type Side } from "./samples.ts";
import { hasHistograms, tailProportions } from "./tails.ts";
import { marginText, metricValueText, pValueText } from "./values.ts";

export type Classification = "pass" | "high" | "low" | "inconclusive" | "nodata";
export type JudgeVerdict = "pass" | "fail" | "inconclusive";

export interface SideSummary {
  /** Number of samples (windows, faults) or of requests for a proportion. */
  n: number;
  /** Median of the samples, or the proportion. */
  value: number | null;
}

export interface MetricResult extends MetricSpec {
  /** Mann-Whitney with the normal approximation or (small samples without ties) the exact distribution, or two proportions. */
  method: "mann-whitney" | "mann-whitney-exact" | "proportions";
  baseline: SideSummary;
  canary: SideSummary;
  /** Hodges-Lehmann shift, or the difference of proportions (canary − baseline). */
  shift: number | null;
  ci: [number, number] | null;
  /** The practical margin in the metric's unit: max(margin × |baseline|, floor). */
  marginValue: number | null;
  /** Two-sided p of "no change", and Holm's adjustment of it over the metrics with a p. */
  pValue: number | null;
  adjustedP: number | null;
  classification: Classification;
  /** Whether the metric counts towards the score (it had samples on both sides). */
  counted: boolean;
  /** Inconclusive metrics: about how many more samples a side would decide it (null when nothing can be said). */
  moreSamples: number | null;
  reason: string;
}

export interface Judgement {
  confidence: number;
  familyLevel: number;
  metrics: MetricResult[];
  /** Weighted share of passed metrics (inconclusive ones counted as not passed), 0..100. */
  score: number | null;
  /** The score if every inconclusive metric passed. */
  scoreUpper: number | null;
  verdict: JudgeVerdict;
  /** Why, in one line a release engineer can paste after the verdict ("critical mttr is inconclusive"). */
  because: string;
  reasons: string[];
}

/** A confidence or share as the judge writes it: 95%, 99.5%. */
export const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** What one test says of a metric, before the family's adjustment. */
interface Estimate {
  method: MetricResult["method"];
  baseline: SideSummary;
  canary: SideSummary;
  shift: number | null;
  ci: [number, number] | null;
  pValue: number | null;
  marginValue: number | null;
  /** Set when the metric is decided or left out before any test: no data, too few samples, identical sides. */
  outcome?: { classification: Classification; reason: string; moreSamples?: number | null };
  note?: string;
}

const upBad = (d: Direction) => d !== "decrease";
const downBad = (d: Direction) => d !== "increase";

/** Samples a side from which complete separation reaches the confidence (the least that can show anything). */
function leastSamples(confidence: number, method: MannWhitneyMethod): number {
  for (let n = 2; n < 1_000; n++) if (canShowShift(n, n, confidence, method)) return n;
  return 1_000;
}

function estimateSamples(spec: MetricSpec, config: JudgeConfig, baseline: number[], canary: number[]): Estimate {
  const summary = (v: number[]): SideSummary => ({ n: v.length, value: v.length ? median(v) : null });
  const base = { method: "mann-whitney" as const, baseline: summary(baseline), canary: summary(canary), shift: null, ci: null, pValue: null, marginValue: null };
  if (!baseline.length || !canary.length) return { ...base, outcome: { classification: "nodata", reason: "no samples on one side" } };
  const marginValue = effectiveMargin(spec, median(baseline));
  const exact = config.exact === "auto" ? ("auto" as const) : false;
  const method = chosenMethod(baseline, canary, exact);
  if (!canShowShift(baseline.length, canary.length, config.confidence, method)) {
    const least = leastSamples(config.confidence, method);
    const more = Math.max(0, least - Math.min(baseline.length, canary.length));
    const reason = `too few samples (${baseline.length} and ${canary.length}) to show a change at ${pct(config.confidence)}: at least ${least} a side`;
    return { ...base, marginValue, outcome: { classification: "inconclusive", reason, moreSamples: more } };
  }
  const sortedB = [...baseline].sort((x, y) => x - y);
  const sortedC = [...canary].sort((x, y) => x - y);
  if (sortedB.length === sortedC.length && sortedB.every((v, i) => v === sortedC[i])) return { ...base, shift: 0, ci: [0, 0], pValue: 1, marginValue, outcome: { classification: "pass", reason: "identical samples" } };
  if (new Set([...baseline, ...canary]).size === 1) return { ...base, shift: 0, ci: [0, 0], pValue: 1, marginValue, outcome: { classification: "pass", reason: "every value equal" } };
  const mw = mannWhitney(baseline, canary, config.confidence, { exact });
  return { ...base, method: mw.method === "exact" ? "mann-whitney-exact" : "mann-whitney", shift: mw.shift, ci: mw.ci, pValue: mw.pValue, marginValue };
}

/** The load's failed share, trial by trial. */
const failedByTrial = (side: Side, phase: Phase): Proportion[] => trialsOf(side).map((t) => failedProportion(t, phase));

/**
 * A tail metric: each window's share of requests slower than the baseline's pooled p95 / p99 (× 1 + `above`),
 * compared with the rank test like the other per-window metrics. Windows, not requests, are the samples: slow
 * requests come in bursts and trials drift, so requests pooled as independent draws would claim far more than
 * the data support (an A/A pair would fail on its tails).
 */
function estimateTail(spec: MetricSpec, metric: JudgeMetric, config: JudgeConfig, sides: { baseline: Side; canary: Side }): Estimate {
  const phase = spec.phase!;
  const none = (reason: string): Estimate => ({ method: "mann-whitney", baseline: { n: 0, value: null }, canary: { n: 0, value: null }, shift: null, ci: null, pValue: null, marginValue: null, outcome: { classification: "nodata", reason } });
  if (!hasHistograms(sides.baseline, phase) || !hasHistograms(sides.canary, phase)) return none("no latency histograms in the journals (written by an older steadystate)");
  const t = tailProportions(sides.baseline, sides.canary, phase, metric === "tail_p95" ? 0.95 : 0.99, spec.above);
  if (t.thresholdMs === null) return none("no successful requests on the baseline");
  const e = estimateSamples(spec, config, t.baselineWindows, t.canaryWindows);
  return { ...e, note: `each window's share slower than ${metricValueText("duration", t.thresholdMs)}, the baseline's ${metric.slice(5)} + ${pct(spec.above)}` };
}

/** The load's error rate: two proportions, each side's trials pooled. */
function estimateProportion(spec: MetricSpec, config: JudgeConfig, sides: { baseline: Side; canary: Side }): Estimate {
  const pair = { baseline: failedByTrial(sides.baseline, spec.phase!), canary: failedByTrial(sides.canary, spec.phase!) };
  const summary = (p: Proportion): SideSummary => ({ n: p.total, value: p.total ? p.count / p.total : null });
  const empty = { method: "proportions" as const, baseline: { n: 0, value: null }, canary: { n: 0, value: null }, shift: null, ci: null, pValue: null, marginValue: null };
  const b = pooled(pair.baseline);
  const c = pooled(pair.canary);
  const base = { ...empty, baseline: summary(b), canary: summary(c) };
  if (!b.total || !c.total) return { ...base, outcome: { classification: "nodata", reason: "no requests on one side" } };
  // The interval and p count each side's requests as φ times fewer independent ones (see `dispersion`).
  const phi = dispersion([pair.baseline, pair.canary]);
  const d = compareProportions(deflated(b, phi), deflated(c, phi), config.confidence);
  const spread = phi > 1.05 ? `trials dispersed ×${phi.toFixed(1)} beyond the binomial` : "";
  return { ...base, shift: d.difference, ci: d.ci, pValue: d.pValue, marginValue: effectiveMargin(spec, d.baseline), ...(spread ? { note: spread } : {}) };
}

export function estimateMetric(spec: MetricSpec, config: JudgeConfig, sides: { baseline: Side; canary: Side }): Estimate {
  const source = spec.source;
  if (source.kind !== "metric") return estimateOther({ ...spec, source }, config, sides);
  const metric: JudgeMetric = source.metric;
  if (metric === "tail_p95" || metric === "tail_p99") return estimateTail(spec, metric, config, sides);
  if (metric === "error_rate") return estimateProportion(spec, config, sides);
  if (metric === "mttr" || metric === "mttd") {
    const b = faultValues(sides.baseline, metric);
    const c = faultValues(sides.canary, metric);
    const e = estimateSamples(spec, config, b.values, c.values);
    if (!b.never && !c.never) return e;
    const what = metric === "mttr" ? "never recovered" : "never detected";
    return { ...e, note: `${what}: baseline ${b.never}, canary ${c.never} (counted as the time watched)` };
  }
  return estimateSamples(spec, config, windowValues(sides.baseline, metric, spec.phase!), windowValues(sides.canary, metric, spec.phase!));
}

/** Any other metric (a query, a probe's or journey's latency, a target's resources): Mann-Whitney on its samples, or why it has none. */
function estimateOther(spec: MetricSpec & { source: Exclude<MetricSpec["source"], { kind: "metric" }> }, config: JudgeConfig, sides: { baseline: Side; canary: Side }): Estimate {
  const b = otherValues(sides.baseline, spec);
  const c = otherValues(sides.canary, spec);
  const e = estimateSamples(spec, config, "values" in b ? b.values : [], "values" in c ? c.values : []);
  const missing = "nodata" in b ? b.nodata : "nodata" in c ? c.nodata : undefined;
  if (missing !== undefined) return { ...e, outcome: { classification: "nodata", reason: missing } };
  const notes = [b, c].map((x) => ("note" in x ? x.note : undefined)).filter((n) => n !== undefined);
  return notes.length ? { ...e, note: notes.join("; ") } : e;
}

/**
 * More samples a side that would likely decide an inconclusive metric: the interval's half-width shrinks as
 * 1/√n, and it must shrink below the distance from the estimate to the margin it straddles.
 */
function samplesToDecide(spec: MetricSpec, e: Estimate): number | null {
  const n = Math.min(e.baseline.n, e.canary.n);
  const [lo, hi] = e.ci!;
  const s = e.shift!;
  const m = e.marginValue!;
  const distance = spec.direction === "either" ? Math.abs(m - Math.abs(s)) : spec.direction === "increase" ? Math.abs(m - s) : Math.abs(m + s);
  if (distance === 0 || !Number.isFinite(hi - lo)) return null;
  const needed = n * ((hi - lo) / 2 / distance) ** 2;
  return Math.max(1, Math.ceil(needed - n));
}

function classify(spec: MetricSpec, config: JudgeConfig, e: Estimate, adjustedP: number | null): Pick<MetricResult, "classification" | "reason" | "moreSamples"> {
  const [lo, hi] = e.ci!;
  const m = e.marginValue!;
  const show = (v: number) => metricValueText(spec.unit, v, true);
  const interval = `interval [${show(lo)}, ${show(hi)}]`;
  const margin = marginText(spec.unit, spec.direction, m);
  const significant = adjustedP !== null && adjustedP < config.familyLevel;
  const adjusted = `Holm p ${pValueText(adjustedP)}`;
  if (upBad(spec.direction) && lo > m) {
    if (significant) return { classification: "high", reason: `higher: ${interval} above the margin ${margin}, ${adjusted} < ${pct(config.familyLevel)}`, moreSamples: null };
  } else if (downBad(spec.direction) && hi < -m) {
    if (significant) return { classification: "low", reason: `lower: ${interval} below the margin ${margin}, ${adjusted} < ${pct(config.familyLevel)}`, moreSamples: null };
  } else if ((!upBad(spec.direction) || hi <= m) && (!downBad(spec.direction) || lo >= -m)) {
    return { classification: "pass", reason: `${interval} within the margin ${margin}`, moreSamples: null };
  }
  if ((upBad(spec.direction) && lo > m) || (downBad(spec.direction) && hi < -m)) {
    return { classification: "inconclusive", reason: `${interval} beyond the margin ${margin}, but ${adjusted} ≥ ${pct(config.familyLevel)} over the metrics compared`, moreSamples: samplesToDecide(spec, e) };
  }
  const more = samplesToDecide(spec, e);
  const hint = more === null ? "" : `; about ${more} more sample(s) a side would decide it`;
  return { classification: "inconclusive", reason: `${interval} reaches past the margin ${margin}${hint}`, moreSamples: more };
}

export function classifyMetrics(config: JudgeConfig, sides: { baseline: Side; canary: Side }): MetricResult[] {
  const estimates = config.metrics.map((spec) => ({ spec, e: estimateMetric(spec, config, sides) }));
  const tested = estimates.filter(({ e }) => e.pValue !== null && e.outcome === undefined);
  const adjusted = new Map(holm(tested.map(({ e }) => e.pValue!)).map((p, i) => [tested[i]!.spec.name, p]));
  return estimates.map(({ spec, e }) => {
    const adjustedP = adjusted.get(spec.name) ?? (e.pValue === null ? null : e.pValue);
    const decided = e.outcome ?? classify(spec, config, e, adjustedP);
    const reason = e.note ? `${decided.reason}; ${e.note}` : decided.reason;
    const { outcome: _o, note: _n, ...numbers } = e;
    return { ...spec, ...numbers, adjustedP, classification: decided.classification, counted: decided.classification !== "nodata", moreSamples: decided.moreSamples ?? null, reason };
  });
}

/** Weighted score over groups: each group's weighted share of metrics in `passing`, weighed by the group's weight. */
function weightedScore(config: JudgeConfig, metrics: MetricResult[], passing: (m: MetricResult) => boolean): number | null {
  let total = 0;
  let sum = 0;
  for (const [group, weight] of Object.entries(config.groups)) {
    const inGroup = metrics.filter((m) => m.group === group && m.counted);
    const all = inGroup.reduce((s, m) => s + m.weight, 0);
    if (!all) continue;
    total += weight;
    sum += (weight * inGroup.filter(passing).reduce((s, m) => s + m.weight, 0)) / all;
  }
  return total ? (100 * sum) / total : null;
}

/**
 * The verdict: inconclusive when no metric was measured on both sides; fail when a critical metric failed,
 * or when the score would stay below `thresholds.marginal` even if every inconclusive metric passed; pass when
 * the score (inconclusive metrics counted as not passed) reaches `thresholds.pass` and no critical metric is
 * inconclusive; inconclusive otherwise (a marginal score included).
 */
export function verdictOf(config: JudgeConfig, metrics: MetricResult[]): Omit<Judgement, "confidence" | "familyLevel" | "metrics"> {
  const score = weightedScore(config, metrics, (m) => m.classification === "pass");
  const scoreUpper = weightedScore(config, metrics, (m) => m.classification === "pass" || m.classification === "inconclusive");
  const failed = metrics.filter((m) => m.classification === "high" || m.classification === "low");
  const open = metrics.filter((m) => m.classification === "inconclusive");
  const reasons = [...failed, ...open].map((m) => `${m.name}${m.critical ? " (critical)" : ""}: ${m.reason}`);
  const round = (s: number) => Math.round(s * 10) / 10;
  const { pass, marginal } = config.thresholds;
  if (score === null || scoreUpper === null) return { score, scoreUpper, verdict: "inconclusive", because: "no metric was measured on both sides", reasons };
  const criticalFail = failed.find((m) => m.critical);
  if (criticalFail) return { score, scoreUpper, verdict: "fail", because: `critical ${criticalFail.name} ${criticalFail.classification === "high" ? "higher" : "lower"} than the baseline beyond its margin`, reasons };
  if (scoreUpper < marginal) return { score, scoreUpper, verdict: "fail", because: `score ${round(score)} and at most ${round(scoreUpper)} if every open metric passed, below ${marginal} (${failed.map((m) => m.name).join(", ")} failed)`, reasons };
  const criticalOpen = open.find((m) => m.critical);
  if (score >= pass && !criticalOpen) return { score, scoreUpper, verdict: "pass", because: `score ${round(score)} ≥ ${pass}${open.length ? `, ${open.length} metric(s) inconclusive` : ""}`, reasons };
  const why = criticalOpen ? `critical ${criticalOpen.name} is inconclusive` : open.length ? `score ${round(score)} < ${pass} while ${open.map((m) => m.name).join(", ")} ${open.length > 1 ? "are" : "is"} inconclusive` : `score ${round(score)} between ${marginal} and ${pass}`;
  return { score, scoreUpper, verdict: "inconclusive", because: `${why}`, reasons };
}

export function judge(config: JudgeConfig, sides: { baseline: Side; canary: Side }): Judgement {
  const metrics = classifyMetrics(config, sides);
  return { confidence: config.confidence, familyLevel: config.familyLevel, metrics, ...verdictOf(config, metrics) };
}
