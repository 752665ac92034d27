import type { Journal, SloResult } from "../run/journal.ts";
import { holds, type Objective } from "./grammar.ts";
import { sloMetrics, type SloMetric } from "./metrics.ts";

/** Measures every objective against the journal. An unmeasurable metric fails its objective. */
export function evaluateSlos(objectives: readonly Objective[], journal: Journal): SloResult[] {
  return objectives.map((o) => {
    const metric = Object.hasOwn(sloMetrics, o.metric) ? (sloMetrics as Record<string, SloMetric>)[o.metric] : undefined;
    const measured = metric ? metric.measure(journal, objectives) : null;
    const never = measured === Infinity;
    return {
      objective: o.text,
      metric: o.metric,
      op: o.op,
      goal: o.value,
      measured: never ? null : measured,
      ...(never ? { never } : {}),
      unit: o.unit,
      pass: measured !== null && holds(measured, o),
    };
  });
}
