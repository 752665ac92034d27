// How each metric an SLO can name is read from a journal, keyed by the names of the spec's table
// (harness/specs/slo/metrics.ts: units and descriptions): a metric without a measure does not compile.
import type { FaultRecord, Journal, NotJudged } from "../contracts/journal.ts";
import { max, sum } from "simple-statistics";
import { formatDuration } from "../contracts/units.ts";
import { leadTimes } from "../contracts/lead-time.ts";
import type { Objective } from "../specs/slo/grammar.ts";
import type { SloMetricName } from "../specs/slo/metrics.ts";

export interface SloMetric {
  /**
   * null = not measurable in this run; Infinity = never (e.g. a fault that never recovered). `objectives`
   * are the run's other objectives (error_budget_burn reads the availability one).
   */
  measure(j: Journal, objectives: readonly Objective[]): number | null;
  /** What the value is relative to, for a metric that can mean more than one thing (shown beside it). */
  basis?(j: Journal): string;
  /** Per fault the measure left out, why: the run ended early before the fault had a value. */
  cutShort?(j: Journal): NotJudged[];
}

const latency = (key: "p50" | "p90" | "p95" | "p99" | "max"): SloMetric => ({ measure: (j) => j.metrics.latencyMs[key] ?? null });

/** Journeys are judged by the worst one: the lowest availability, the highest latency quantile. */
const journeys = (j: Journal) => Object.values(j.metrics.journeys ?? {}).filter((m) => m.total > 0);
const worstOf = (values: (number | null | undefined)[], pick: (...v: number[]) => number) => {
  const known = values.filter((v): v is number => typeof v === "number");
  return known.length ? pick(...known) : null;
};
const journeyLatency = (key: "p50" | "p90" | "p95" | "p99" | "max"): SloMetric => ({ measure: (j) => worstOf(journeys(j).map((m) => m.latencyMs[key]), Math.max) });

/**
 * A per-fault metric: the worst value over the injected faults (Infinity = never), leaving out the faults a
 * run that ended early cut short before they had a value: theirs is unknown, not never.
 */
const perFault = (value: (f: FaultRecord) => number | null, applies: (j: Journal) => boolean = () => true): SloMetric => {
  const cutShort = (f: FaultRecord) => f.notJudged !== undefined && value(f) === null;
  const injected = (j: Journal) => (applies(j) ? j.faults.filter((f) => f.injectedAt !== null) : []);
  return {
    measure: (j) => {
      const values = injected(j).filter((f) => !cutShort(f)).map((f) => value(f) ?? Infinity);
      return values.length ? Math.max(...values) : null;
    },
    cutShort: (j) => injected(j).flatMap((f) => (cutShort(f) ? [f.notJudged!] : [])),
  };
};

const restoreDrills = (j: Journal) => (j.checks ?? []).flatMap((c) => (c.drill ? [c.drill] : []));
/** Every item's value combined, or null (not measurable) when there is no item or one has no value. */
const ofEvery = <T>(items: readonly T[], value: (item: T) => number | null, combine: (values: number[]) => number): number | null => {
  const values = items.map(value);
  return values.length && values.every((v) => v !== null) ? combine(values as number[]) : null;
};

export const sloMetrics = {
  availability: { measure: (j) => j.metrics.availability.request },
  availability_time: { measure: (j) => j.metrics.availability.time },
  error_rate: { measure: (j) => (j.metrics.requests.total ? j.metrics.requests.failed / j.metrics.requests.total : null) },
  p50: latency("p50"),
  p90: latency("p90"),
  p95: latency("p95"),
  p99: latency("p99"),
  max: latency("max"),
  throughput: { measure: (j) => j.metrics.throughput },
  mttr: perFault((f) => f.mttrMs),
  journey_availability: { measure: (j) => worstOf(journeys(j).map((m) => m.availability), Math.min) },
  journey_p50: journeyLatency("p50"),
  journey_p90: journeyLatency("p90"),
  journey_p95: journeyLatency("p95"),
  journey_p99: journeyLatency("p99"),
  journey_max: journeyLatency("max"),
  // Time to detect is measured only in a run that watched for alerts or detectors.
  mttd: perFault((f) => f.mttdMs, (j) => j.detection !== null),
  lead_time: { measure: (j) => worstOf(leadTimes(j).map((l) => l.leadMs), Math.min) },
  false_alarms: { measure: (j) => (j.detection ? j.detection.falseAlarms.length : null) },
  error_budget_burn: {
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
    measure: (j) =>
      ofEvery(
        (j.checks ?? []).filter((c) => c.kind === "acked-writes"),
        (c) => c.lost,
        sum,
      ),
  },
  restore_time: { measure: (j) => ofEvery(restoreDrills(j), (d) => d.restoreMs, max) },
  restore_lost_writes: { measure: (j) => ofEvery(restoreDrills(j), (d) => d.lost, sum) },
} as const satisfies Record<SloMetricName, SloMetric>;
