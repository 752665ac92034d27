// Stop conditions (`abortWhen`), AWS FIS-style guard rails in the thresholds grammar with a window:
// `error_rate > 50% for 10s` holds when the error rate of the load over the last 10 s is above 50%. Read
// live from the recorder; when one holds, the run stops its faults at once and fails with the reason.
import type { Recorder, WindowStats } from "../metrics/recorder.ts";
import { parseDuration } from "../contracts/units.ts";
import { formatValue, holds, parseObjective, type Objective, type Parsed } from "./grammar.ts";
import type { Unit } from "../contracts/journal.ts";

export interface StopCondition extends Objective {
  /** Length of the trailing window the metric is measured over. */
  forMs: number;
}

const stopMetrics = {
  error_rate: { unit: "ratio", read: (w, _ms) => ratio(w.failed, w) },
  availability: { unit: "ratio", read: (w, _ms) => ratio(w.ok, w) },
  p50: { unit: "duration", read: (w) => w.latency.p50 ?? null },
  p90: { unit: "duration", read: (w) => w.latency.p90 ?? null },
  p95: { unit: "duration", read: (w) => w.latency.p95 ?? null },
  p99: { unit: "duration", read: (w) => w.latency.p99 ?? null },
  max: { unit: "duration", read: (w) => w.latency.max ?? null },
  throughput: { unit: "rate", read: (w, ms) => (w.ok * 1_000) / ms },
} as const satisfies Record<string, { unit: Unit; read(w: WindowStats, windowMs: number): number | null }>;

function ratio(n: number, w: WindowStats): number | null {
  return w.ok + w.failed ? n / (w.ok + w.failed) : null;
}

const stopUnits: Record<string, Unit> = Object.fromEntries(Object.entries(stopMetrics).map(([k, m]) => [k, m.unit]));
const FOR = /^(.*?)\s+for\s+(\S+)\s*$/;

export function parseStopCondition(text: string): Parsed<StopCondition> {
  const m = FOR.exec(text);
  if (!m) return { ok: false, message: `"${text}" needs a window: "METRIC OP VALUE for DURATION" such as "error_rate > 50% for 10s"` };
  const forMs = parseDuration(m[2]!);
  if (!forMs) return { ok: false, message: `"${m[2]}" is not a duration longer than 0 (like 10s)` };
  const o = parseObjective(m[1]!, stopUnits);
  if (!o.ok) return o;
  return { ok: true, value: { ...o.value, text: `${o.value.text} for ${m[2]}`, forMs } };
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
    const measured = stopMetrics[c.metric as keyof typeof stopMetrics].read(w, buckets * rec.bucketMs);
    if (measured !== null && holds(measured, c)) return { condition: c.text, measured, measuredText: formatValue(measured, c.unit), at: now };
  }
  return undefined;
}
