import type { Journal, NotJudged, SloResult } from "../contracts/journal.ts";
import { distribution } from "./distribution.ts";
import { holds, type Objective } from "../specs/slo/grammar.ts";
import { splitMetric } from "../specs/slo/metrics.ts";
import { sloMetrics, type SloMetric } from "./metrics.ts";

/**
 * Measures every objective against the journal. An unmeasurable metric fails its objective; values a run
 * that ended early cut short are left out, and the result says so (`excluded`, or `notJudged` if none is left).
 */
export function evaluateSlos(objectives: readonly Objective[], journal: Journal): SloResult[] {
  return evaluateObjectives(objectives, [journal]);
}

/**
 * Objectives over one run or over repeated trials: a plain metric (`mttr`) reads one journal; a trial
 * statistic (`mttr.p90`) is taken over the metric's values in every journal (one run = one trial).
 */
export function evaluateObjectives(objectives: readonly Objective[], journals: readonly Journal[]): SloResult[] {
  return objectives.map((o) => {
    const { metric: name, stat } = splitMetric(o.metric);
    const metric = Object.hasOwn(sloMetrics, name) ? (sloMetrics as Record<string, SloMetric>)[name] : undefined;
    let measured: number | null = null;
    if (metric && stat) {
      const values = journals.map((j) => metric.measure(j, objectives)).filter((v): v is number => v !== null);
      const d = distribution(values.filter(Number.isFinite), values.filter((v) => !Number.isFinite(v)).length);
      measured = d.count ? (d[stat] ?? Infinity) : null;
    } else if (metric && journals.length === 1) measured = metric.measure(journals[0]!, objectives);
    const never = measured === Infinity;
    const basis = journals[0] && metric?.basis?.(journals[0]);
    const cutShort = journals.flatMap((j) => metric?.cutShort?.(j) ?? []);
    return {
      objective: o.text,
      metric: o.metric,
      op: o.op,
      goal: o.value,
      measured: never ? null : measured,
      ...(never ? { never } : {}),
      unit: o.unit,
      pass: measured !== null && holds(measured, o),
      ...(basis ? { basis } : {}),
      ...(cutShort.length ? { excluded: excludedText(cutShort) } : {}),
      // Nothing left to measure because the run ended early: unknown, not unmeasurable.
      ...(measured === null && cutShort.length ? { notJudged: cutShort[0]! } : {}),
    };
  });
}

/** "2 faults not judged (interrupted)", per cause. */
function excludedText(causes: readonly NotJudged[]): string {
  return [...new Set(causes)]
    .map((cause) => {
      const n = causes.filter((c) => c === cause).length;
      return `${n} fault${n === 1 ? "" : "s"} not judged (${cause})`;
    })
    .join(", ");
}
