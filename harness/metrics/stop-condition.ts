// Stop conditions (`abortWhen`, parsed in harness/specs/slo/stop-condition.ts) checked live on the
// recorder: each metric read from the load's trailing window.
import { formatValue, holds } from "../specs/slo/grammar.ts";
import type { StopCondition, StopMetricName } from "../specs/slo/stop-condition.ts";
import type { Recorder, WindowStats } from "./recorder.ts";

const stopMetrics = {
  error_rate: (w, _ms) => ratio(w.failed, w),
  availability: (w, _ms) => ratio(w.ok, w),
  p50: (w) => w.latency.p50 ?? null,
  p90: (w) => w.latency.p90 ?? null,
  p95: (w) => w.latency.p95 ?? null,
  p99: (w) => w.latency.p99 ?? null,
  max: (w) => w.latency.max ?? null,
  throughput: (w, ms) => (w.ok * 1_000) / ms,
} as const satisfies Record<StopMetricName, (w: WindowStats, windowMs: number) => number | null>;

function ratio(n: number, w: WindowStats): number | null {
  return w.ok + w.failed ? n / (w.ok + w.failed) : null;
}

export interface Trip {
  condition: string;
  /** The metric over the window when the condition held. */
  measured: number;
  measuredText: string;
  at: number;
}

/**
 * The first condition that holds over its trailing window of complete buckets ending at `now`, from the
 * `source`'s outcomes. A window not yet fully inside the load, or without outcomes, never trips.
 */
export function checkStopConditions(rec: Recorder, source: string, conditions: readonly StopCondition[], now: number): Trip | undefined {
  const to = rec.bucketIndex(now); // the current bucket is still filling
  for (const c of conditions) {
    const buckets = Math.ceil(c.forMs / rec.bucketMs);
    if (to - buckets < 0) continue;
    const w = rec.stats(source, to - buckets, to, { latency: c.unit === "duration" });
    const measured = stopMetrics[c.metric as StopMetricName](w, buckets * rec.bucketMs);
    if (measured !== null && holds(measured, c)) return { condition: c.text, measured, measuredText: formatValue(measured, c.unit), at: now };
  }
  return undefined;
}
