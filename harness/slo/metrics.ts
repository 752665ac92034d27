// The metrics an SLO can name, their unit, and how each is read from a journal. One table: the grammar,
// validation messages ("valid: …") and evaluation all come from it.
import type { Journal } from "../run/journal.ts";
import type { Unit } from "./grammar.ts";

export interface SloMetric {
  unit: Unit;
  description: string;
  /** null = not measurable in this run; Infinity = never (e.g. a fault that never recovered). */
  measure(j: Journal): number | null;
}

const latency = (key: "p50" | "p90" | "p95" | "p99" | "max", what: string): SloMetric => ({
  unit: "duration",
  description: `${what} request latency over the load phase`,
  measure: (j) => j.metrics.latencyMs[key] ?? null,
});

export const sloMetrics = {
  availability: {
    unit: "ratio",
    description: "successful requests / all requests (request-based)",
    measure: (j) => j.metrics.availability.request,
  },
  availability_time: {
    unit: "ratio",
    description: "share of windows in which the steady-state hypothesis held (time-based, T_up / T_total)",
    measure: (j) => j.metrics.availability.time,
  },
  error_rate: {
    unit: "ratio",
    description: "failed requests / all requests",
    measure: (j) => (j.metrics.requests.total ? j.metrics.requests.failed / j.metrics.requests.total : null),
  },
  p50: latency("p50", "median"),
  p90: latency("p90", "90th percentile"),
  p95: latency("p95", "95th percentile"),
  p99: latency("p99", "99th percentile"),
  max: latency("max", "maximum"),
  throughput: {
    unit: "rate",
    description: "successful requests per second over the load phase",
    measure: (j) => j.metrics.throughput,
  },
  mttd: {
    unit: "duration",
    description: "worst time to detection over all faults (detected − injected), when the run watches alerts or detectors",
    measure: (j) => {
      const watched = j.faults.filter((f) => f.injectedAt !== null && f.mttdMs !== undefined);
      if (!watched.length) return null;
      return Math.max(...watched.map((f) => (f.mttdMs === null || f.mttdMs === undefined ? Infinity : f.mttdMs)));
    },
  },
  mttr: {
    unit: "duration",
    description: "worst time to recovery over all faults (recovered − injected); a fault that never recovered is never",
    measure: (j) => {
      const injected = j.faults.filter((f) => f.injectedAt !== null);
      if (!injected.length) return null;
      return Math.max(...injected.map((f) => (f.mttrMs === null ? Infinity : f.mttrMs)));
    },
  },
} as const satisfies Record<string, SloMetric>;

export type SloMetricName = keyof typeof sloMetrics;

/** Statistics over repeated trials an objective may name: `mttr.p90 < 5s`, `availability.min >= 99%`. */
export const TRIAL_STATS = ["median", "p90", "min", "max"] as const;
export type TrialStat = (typeof TRIAL_STATS)[number];

/** `mttr.p90` → { metric: "mttr", stat: "p90" }; `mttr` → { metric: "mttr" }. */
export function splitMetric(name: string): { metric: string; stat?: TrialStat } {
  const [metric, stat] = name.split(".") as [string, string | undefined];
  return stat && (TRIAL_STATS as readonly string[]).includes(stat) ? { metric, stat: stat as TrialStat } : { metric };
}

export const sloUnits: Readonly<Record<string, Unit>> = Object.fromEntries(
  Object.entries(sloMetrics).flatMap(([k, m]) => [[k, m.unit], ...TRIAL_STATS.map((s) => [`${k}.${s}`, m.unit])]),
);

/** The names listed when a metric is unknown: every metric, and the trial statistics as one pattern. */
export const SLO_VALID_NAMES: readonly string[] = [...Object.keys(sloMetrics), `METRIC.${TRIAL_STATS.join("|")}`];
