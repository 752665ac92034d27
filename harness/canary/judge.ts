// The canary judge: each configured metric is classified as Kayenta's MannWhitneyClassifier does (High when
// the confidence interval of canary − baseline lies above `margin` × |shift| and the effect exceeds the
// tolerance, Low likewise below, else Pass), error rates as two proportions; then the score
// (100 × passed / counted) and the verdict (critical failures fail outright; then pass / marginal / fail).
import { mean, median } from "simple-statistics";
import type { Direction, JudgeConfig, MetricSpec } from "./config.ts";
import { canShowShift, mannWhitney } from "./mann-whitney.ts";
import { compareProportions } from "./proportions.ts";
import { failedProportion, faultValues, windowValues, type Side } from "./samples.ts";

export type Classification = "pass" | "high" | "low" | "nodata";
export type JudgeVerdict = "pass" | "marginal" | "fail";

export interface SideSummary {
  /** Number of samples (windows, faults) or of requests for a proportion. */
  n: number;
  /** Median of the samples, or the proportion. */
  value: number | null;
}

export interface MetricResult extends MetricSpec {
  method: "mann-whitney" | "proportions";
  baseline: SideSummary;
  canary: SideSummary;
  /** Hodges-Lehmann shift, or the difference of proportions (canary − baseline). */
  shift: number | null;
  ci: [number, number] | null;
  pValue: number | null;
  /** Mean ratio canary / baseline (Mann-Whitney) or difference of proportions. */
  effect: number | null;
  classification: Classification;
  /** Whether the metric counts towards the score. */
  counted: boolean;
  reason: string;
}

export interface Judgement {
  confidence: number;
  metrics: MetricResult[];
  score: number | null;
  verdict: JudgeVerdict;
  reasons: string[];
}

const bad = (direction: Direction, up: boolean) => direction === "either" || direction === (up ? "increase" : "decrease");
/** A confidence or share as the judge writes it: 95%, 99.5%. */
export const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

export function classifySamples(spec: MetricSpec, config: JudgeConfig, baseline: number[], canary: number[]): Omit<MetricResult, keyof MetricSpec | "method"> {
  const summary = (v: number[]): SideSummary => ({ n: v.length, value: v.length ? median(v) : null });
  const base = { baseline: summary(baseline), canary: summary(canary), shift: null, ci: null, pValue: null, effect: null };
  if (!baseline.length || !canary.length) return { ...base, classification: "nodata", counted: false, reason: "no samples on one side" };
  if (!canShowShift(baseline.length, canary.length, config.confidence)) {
    return { ...base, classification: "nodata", counted: false, reason: `too few samples (${baseline.length} and ${canary.length}) to show a shift at ${pct(config.confidence)}` };
  }
  const sortedB = [...baseline].sort((a, b) => a - b);
  const sortedC = [...canary].sort((a, b) => a - b);
  if (sortedB.length === sortedC.length && sortedB.every((v, i) => v === sortedC[i])) {
    return { ...base, effect: 1, classification: "pass", counted: true, reason: "identical samples" };
  }
  if (new Set([...baseline, ...canary]).size === 1) return { ...base, effect: 1, classification: "pass", counted: true, reason: "every value equal" };

  const mw = mannWhitney(baseline, canary, config.confidence);
  const mb = mean(baseline);
  const ratio = mb === 0 ? (mean(canary) === 0 ? 1 : Infinity) : mean(canary) / mb;
  const bound = config.margin * Math.abs(mw.shift);
  const result = { ...base, shift: mw.shift, ci: mw.ci, pValue: mw.pValue, effect: ratio, counted: true };
  if (bad(spec.direction, true) && mw.ci[0] > bound && ratio > 1 + spec.tolerance) {
    return { ...result, classification: "high", reason: `higher: mean ×${ratio.toFixed(2)} (tolerated ×${(1 + spec.tolerance).toFixed(2)})` };
  }
  if (bad(spec.direction, false) && mw.ci[1] < -bound && ratio < 1 - spec.tolerance) {
    return { ...result, classification: "low", reason: `lower: mean ×${ratio.toFixed(2)} (tolerated ×${(1 - spec.tolerance).toFixed(2)})` };
  }
  const significant = mw.ci[0] > bound || mw.ci[1] < -bound;
  return { ...result, classification: "pass", reason: significant ? `within tolerance (mean ×${ratio.toFixed(2)})` : "no significant shift" };
}

function classifyProportion(spec: MetricSpec, config: JudgeConfig, sides: { baseline: Side; canary: Side }): MetricResult {
  const b = failedProportion(sides.baseline, spec.phase!);
  const c = failedProportion(sides.canary, spec.phase!);
  const summary = (p: { count: number; total: number }): SideSummary => ({ n: p.total, value: p.total ? p.count / p.total : null });
  const base = { ...spec, method: "proportions" as const, baseline: summary(b), canary: summary(c), pValue: null };
  if (!b.total || !c.total) return { ...base, shift: null, ci: null, effect: null, classification: "nodata", counted: false, reason: "no requests on one side" };
  const d = compareProportions(b, c, config.confidence);
  const bound = config.margin * Math.abs(d.difference);
  const result = { ...base, shift: d.difference, ci: d.ci, effect: d.difference, counted: true };
  const points = (x: number) => `${(x * 100).toFixed(2)} points`;
  if (bad(spec.direction, true) && d.ci[0] > bound && d.difference > spec.tolerance) {
    return { ...result, classification: "high", reason: `higher by ${points(d.difference)} (tolerated ${points(spec.tolerance)})` };
  }
  if (bad(spec.direction, false) && d.ci[1] < -bound && -d.difference > spec.tolerance) {
    return { ...result, classification: "low", reason: `lower by ${points(-d.difference)} (tolerated ${points(spec.tolerance)})` };
  }
  return { ...result, classification: "pass", reason: d.ci[0] > bound || d.ci[1] < -bound ? `within tolerance (${points(d.difference)})` : "no significant difference" };
}

export function classifyMetric(spec: MetricSpec, config: JudgeConfig, sides: { baseline: Side; canary: Side }): MetricResult {
  if (spec.metric === "error_rate") return classifyProportion(spec, config, sides);
  if (spec.metric === "mttr" || spec.metric === "mttd") {
    const b = faultValues(sides.baseline, spec.metric);
    const c = faultValues(sides.canary, spec.metric);
    const r = { ...spec, method: "mann-whitney" as const, ...classifySamples(spec, config, b.values, c.values) };
    if (!b.never && !c.never) return r;
    const what = spec.metric === "mttr" ? "never recovered" : "never detected";
    return { ...r, reason: `${r.reason}; ${what}: baseline ${b.never}, canary ${c.never} (counted as the time watched)` };
  }
  return { ...spec, method: "mann-whitney", ...classifySamples(spec, config, windowValues(sides.baseline, spec.metric, spec.phase!), windowValues(sides.canary, spec.metric, spec.phase!)) };
}

export function judge(config: JudgeConfig, sides: { baseline: Side; canary: Side }): Judgement {
  const metrics = config.metrics.map((m) => classifyMetric(m, config, sides));
  const counted = metrics.filter((m) => m.counted);
  const failed = counted.filter((m) => m.classification === "high" || m.classification === "low");
  const score = counted.length ? (100 * (counted.length - failed.length)) / counted.length : null;
  const reasons = failed.map((m) => `${m.name}${m.critical ? " (critical)" : ""}: ${m.reason}`);
  let verdict: JudgeVerdict;
  if (failed.some((m) => m.critical)) verdict = "fail";
  else if (score === null) {
    verdict = "fail";
    reasons.push("no metric had enough samples on both sides to be compared");
  } else verdict = score >= config.thresholds.pass ? "pass" : score >= config.thresholds.marginal ? "marginal" : "fail";
  return { confidence: config.confidence, metrics, score, verdict, reasons };
}
