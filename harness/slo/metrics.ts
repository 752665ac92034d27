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
  mttr: {
    unit: "duration",
    description: "worst time to recovery over all faults (recovered − injected); a fault that never recovered is never",
    measure: (j) => {
      const injected = j.faults.filter((f) => f.injectedAt !== null);
      if (!injected.length) return null;
      return Math.max(...injected.map((f) => (f.mttrMs === null ? Infinity : f.mttrMs)));
    },
  },
  lost_writes: {
    unit: "count",
    description: "acknowledged writes missing after recovery, over every acked-writes check; not measurable when a check could not read every key back",
    measure: (j) => {
      const checks = (j.checks ?? []).filter((c) => c.kind === "acked-writes");
      if (!checks.length || checks.some((c) => c.lost === null)) return null;
      return checks.reduce((sum, c) => sum + c.lost!, 0);
    },
  },
} as const satisfies Record<string, SloMetric>;

export type SloMetricName = keyof typeof sloMetrics;

export const sloUnits: Readonly<Record<string, Unit>> = Object.fromEntries(
  Object.entries(sloMetrics).map(([k, m]) => [k, m.unit]),
);
