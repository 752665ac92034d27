// Stop conditions (`abortWhen`), AWS FIS-style guard rails in the thresholds grammar with a window:
// `error_rate > 50% for 10s` holds when the error rate of the load over the last 10 s is above 50%. Read
// live from the recorder (harness/metrics/stop-condition.ts); when one holds, the run stops its faults at
// once and fails with the reason.
import { parseDuration } from "../../contracts/units.ts";
import { parseObjective, type Objective, type Parsed } from "./grammar.ts";
import type { Unit } from "../../contracts/journal.ts";

export interface StopCondition extends Objective {
  /** Length of the trailing window the metric is measured over. */
  forMs: number;
}

/** The metrics a stop condition can name (measured on the load's trailing window), and their unit. */
const stopUnits = {
  error_rate: "ratio",
  availability: "ratio",
  p50: "duration",
  p90: "duration",
  p95: "duration",
  p99: "duration",
  max: "duration",
  throughput: "rate",
} as const satisfies Record<string, Unit>;

export type StopMetricName = keyof typeof stopUnits;

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
