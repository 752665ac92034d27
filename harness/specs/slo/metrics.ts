// The metrics an SLO can name and their unit: one table that the grammar and validation messages
// ("valid: …") read; how each is measured from a journal is harness/slo/metrics.ts, keyed by the same names.
import type { Unit } from "../../contracts/journal.ts";

export interface SloMetricSpec {
  unit: Unit;
  description: string;
}

const latency = (what: string): SloMetricSpec => ({ unit: "duration", description: `${what} request latency over the load phase` });
const journeyLatency = (what: string): SloMetricSpec => ({
  unit: "duration",
  description: `${what} journey duration, of the slowest journey (failed journeys count the time until they failed)`,
});

export const sloMetricSpecs = {
  availability: { unit: "ratio", description: "successful requests / all requests (request-based)" },
  availability_time: { unit: "ratio", description: "share of windows in which the steady-state hypothesis held (time-based, T_up / T_total)" },
  error_rate: { unit: "ratio", description: "failed requests / all requests" },
  p50: latency("median"),
  p90: latency("90th percentile"),
  p95: latency("95th percentile"),
  p99: latency("99th percentile"),
  max: latency("maximum"),
  throughput: { unit: "rate", description: "successful requests per second over the load phase" },
  mttr: { unit: "duration", description: "worst time to recovery over all faults (recovered − injected); a fault that never recovered is never" },
  journey_availability: { unit: "ratio", description: "completed journeys / all journeys, of the journey with the lowest availability" },
  journey_p50: journeyLatency("median"),
  journey_p90: journeyLatency("90th percentile"),
  journey_p95: journeyLatency("95th percentile"),
  journey_p99: journeyLatency("99th percentile"),
  journey_max: journeyLatency("maximum"),
  mttd: {
    unit: "duration",
    description: "worst time to detect over all faults (first attributed alert or detector firing − injected); a fault nothing detected is never",
  },
  lead_time: {
    unit: "duration",
    description: "shortest lead time of a predict detector: its firing to the breach it foresaw (a container sample at the limit, or a restart); not measurable when no foreseen breach happened",
  },
  false_alarms: { unit: "count", description: "alert and detector firings not attributable to a fault (before the first one, or settle after a recovery)" },
  error_budget_burn: {
    unit: "ratio",
    description:
      "the availability objective's error budget used: with errorBudget.period, the share of that period's budget this run consumed, (1 − availability) · T_run / ((1 − goal) · period); without, the burn rate over the run (the period is the run), (1 − availability) / (1 − goal)",
  },
  lost_writes: {
    unit: "count",
    description: "acknowledged writes missing after recovery, over every acked-writes check; not measurable when a check could not read every key back",
  },
  restore_time: {
    unit: "duration",
    description: "worst time to restore over the backup-restore drills (target destroyed → healthy again on volumes restored from the backup); not measurable when a drill did not restore",
  },
  restore_lost_writes: {
    unit: "count",
    description: "acknowledged writes missing after the backup-restore drills' restores, summed; not measurable when a drill could not read every key back",
  },
} as const satisfies Record<string, SloMetricSpec>;

export type SloMetricName = keyof typeof sloMetricSpecs;

/** Statistics over repeated trials an objective may name: `mttr.p90 < 5s`, `availability.min >= 99%`. */
export const TRIAL_STATS = ["median", "p90", "min", "max"] as const;
export type TrialStat = (typeof TRIAL_STATS)[number];

/** `mttr.p90` → { metric: "mttr", stat: "p90" }; `mttr` → { metric: "mttr" }. */
export function splitMetric(name: string): { metric: string; stat?: TrialStat } {
  const [metric, stat] = name.split(".") as [string, string | undefined];
  return stat && (TRIAL_STATS as readonly string[]).includes(stat) ? { metric, stat: stat as TrialStat } : { metric };
}

export const sloUnits: Readonly<Record<string, Unit>> = Object.fromEntries(
  Object.entries(sloMetricSpecs).flatMap(([k, m]) => [[k, m.unit], ...TRIAL_STATS.map((s) => [`${k}.${s}`, m.unit])]),
);

/** The names listed when a metric is unknown: every metric, and the trial statistics as one pattern. */
export const SLO_VALID_NAMES: readonly string[] = [...Object.keys(sloMetricSpecs), `METRIC.${TRIAL_STATS.join("|")}`];
