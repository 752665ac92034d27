// The metrics an SLO can name, their unit, and how each is read from a journal. One table: the grammar,
// validation messages ("valid: …") and evaluation all come from it.
import type { Journal, Unit } from "../contracts/journal.ts";
import { max, sum } from "simple-statistics";
import { formatDuration } from "../contracts/units.ts";
import type { Objective } from "./grammar.ts";

export interface SloMetric {
  unit: Unit;
  description: string;
  /**
   * null = not measurable in this run; Infinity = never (e.g. a fault that never recovered). `objectives`
   * are the run's other objectives (error_budget_burn reads the availability one).
   */
  measure(j: Journal, objectives: readonly Objective[]): number | null;
  /** What the value is relative to, for a metric that can mean more than one thing (shown beside it). */
  basis?(j: Journal): string;
}

const latency = (key: "p50" | "p90" | "p95" | "p99" | "max", what: string): SloMetric => ({
  unit: "duration",
  description: `${what} request latency over the load phase`,
  measure: (j) => j.metrics.latencyMs[key] ?? null,
});

/** Journeys are judged by the worst one: the lowest availability, the highest latency quantile. */
const journeys = (j: Journal) => Object.values(j.metrics.journeys ?? {}).filter((m) => m.total > 0);
const worstOf = (values: (number | null | undefined)[], pick: (...v: number[]) => number) => {
  const known = values.filter((v): v is number => typeof v === "number");
  return known.length ? pick(...known) : null;
};
const journeyLatency = (key: "p50" | "p90" | "p95" | "p99" | "max", what: string): SloMetric => ({
  unit: "duration",
  description: `${what} journey duration, of the slowest journey (failed journeys count the time until they failed)`,
  measure: (j) => worstOf(journeys(j).map((m) => m.latencyMs[key]), Math.max),
});

const restoreDrills = (j: Journal) => (j.checks ?? []).flatMap((c) => (c.drill ? [c.drill] : []));
/** Every item's value combined, or null (not measurable) when there is no item or one has no value. */
const ofEvery = <T>(items: readonly T[], value: (item: T) => number | null, combine: (values: number[]) => number): number | null => {
  const values = items.map(value);
  return values.length && values.every((v) => v !== null) ? combine(values as number[]) : null;
};

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
  journey_availability: {
    unit: "ratio",
    description: "completed journeys / all journeys, of the journey with the lowest availability",
    measure: (j) => worstOf(journeys(j).map((m) => m.availability), Math.min),
  },
  journey_p50: journeyLatency("p50", "median"),
  journey_p90: journeyLatency("p90", "90th percentile"),
  journey_p95: journeyLatency("p95", "95th percentile"),
  journey_p99: journeyLatency("p99", "99th percentile"),
  journey_max: journeyLatency("max", "maximum"),
  mttd: {
    unit: "duration",
    description: "worst time to detect over all faults (first attributed alert or detector firing − injected); a fault nothing detected is never",
    measure: (j) => {
      const injected = j.faults.filter((f) => f.injectedAt !== null);
      if (!injected.length || !j.detection) return null;
      return Math.max(...injected.map((f) => (f.mttdMs === null ? Infinity : f.mttdMs)));
    },
  },
  false_alarms: {
    unit: "count",
    description: "alert and detector firings not attributable to a fault (before the first one, or settle after a recovery)",
    measure: (j) => (j.detection ? j.detection.falseAlarms.length : null),
  },
  error_budget_burn: {
    unit: "ratio",
    description:
      "the availability objective's error budget used: with errorBudget.period, the share of that period's budget this run consumed, (1 − availability) · T_run / ((1 − goal) · period); without, the burn rate over the run (the period is the run), (1 − availability) / (1 − goal)",
    measure: (j, objectives) => {
      const goal = objectives.find((o) => o.metric === "availability")?.value;
      const a = j.metrics.availability.request;
      if (goal === undefined || a === null) return null;
      const rate = goal >= 1 ? (a >= 1 ? 0 : Infinity) : (1 - a) / (1 - goal);
      const periodMs = j.scenario.errorBudget?.periodMs;
      if (periodMs === undefined) return rate;
      const runMs = j.loadStartedAt !== null && j.loadEndedAt !== null ? j.loadEndedAt - j.loadStartedAt : j.scenario.loadDurationMs;
      return (rate * runMs) / periodMs;
    },
    basis: (j) => (j.scenario.errorBudget ? `share of the ${formatDuration(j.scenario.errorBudget.periodMs)} budget` : "burn rate: the period is the run"),
  },
  lost_writes: {
    unit: "count",
    description: "acknowledged writes missing after recovery, over every acked-writes check; not measurable when a check could not read every key back",
    measure: (j) =>
      ofEvery(
        (j.checks ?? []).filter((c) => c.kind === "acked-writes"),
        (c) => c.lost,
        sum,
      ),
  },
  restore_time: {
    unit: "duration",
    description: "worst time to restore over the backup-restore drills (target destroyed → healthy again on volumes restored from the backup); not measurable when a drill did not restore",
    measure: (j) => ofEvery(restoreDrills(j), (d) => d.restoreMs, max),
  },
  restore_lost_writes: {
    unit: "count",
    description: "acknowledged writes missing after the backup-restore drills' restores, summed; not measurable when a drill could not read every key back",
    measure: (j) => ofEvery(restoreDrills(j), (d) => d.lost, sum),
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
