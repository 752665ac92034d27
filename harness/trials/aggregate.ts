// The aggregate of repeated trials (aggregate.json): per SLO metric its distribution over trials (median,
// p90, min, max), per fault the distributions of MTTR and MTTD, the objectives on trial statistics
// (`mttr.p90 < 5s`), and one verdict: error or interrupted if any trial was, fail if any trial failed or
// an aggregate objective was missed, else pass.
import { detects, type FaultRecord, type Journal, type SloResult, type Verdict } from "../contracts/journal.ts";
import type { Objective } from "../specs/slo/grammar.ts";
import { formatValue } from "../specs/slo/grammar.ts";
import { evaluateObjectives } from "../slo/evaluate.ts";
import { sloMetrics, type SloMetric } from "../slo/metrics.ts";
import { sloMetricSpecs, type SloMetricName } from "../specs/slo/metrics.ts";
import { distribution, type Distribution } from "../slo/distribution.ts";

export const AGGREGATE_SCHEMA_VERSION = 1;

export interface Trial {
  /** Folder of the trial, relative to the aggregate's folder. */
  dir: string;
  journal: Journal;
}

export interface Aggregate {
  schemaVersion: number;
  kind: "trials";
  scenario: { name: string; file: string; description?: string };
  /** Set for one side of an A/B run. */
  variant?: string;
  trials: { trial: number; dir: string; runId: string; verdict: Verdict; startedAt: number; endedAt: number }[];
  metrics: Record<string, Distribution & { unit: string }>;
  faults: { id: string; description: string; mttrMs: Distribution; mttdMs: Distribution | null }[];
  slo: SloResult[];
  verdict: Verdict;
  reasons: string[];
}

export function aggregateTrials(trials: readonly Trial[], objectives: readonly Objective[], variant?: string): Aggregate {
  const journals = trials.map((t) => t.journal);
  const first = journals[0];
  const metrics: Aggregate["metrics"] = {};
  for (const [name, m] of Object.entries(sloMetrics) as [SloMetricName, SloMetric][]) {
    const values = journals.map((j) => m.measure(j, objectives)).filter((v): v is number => v !== null);
    if (!values.length) continue;
    metrics[name] = { unit: sloMetricSpecs[name].unit, ...distribution(values.filter(Number.isFinite), values.filter((v) => !Number.isFinite(v)).length) };
  }
  const faults: Aggregate["faults"] = (first?.faults ?? []).map((f) => {
    const injected = (j: Journal) => j.faults.filter((x) => x.id === f.id && x.injectedAt !== null && !x.error);
    // An occurrence a trial's early end cut short has no value yet: unknown, left out rather than counted as never.
    const judged = (x: FaultRecord, value: number | null) => (value === null && x.notJudged ? [] : [value]);
    const mttr = journals.flatMap(injected).flatMap((x) => judged(x, x.mttrMs));
    // Time to detect is measured only in trials that watched for alerts or detectors.
    const watched = journals.filter(detects).flatMap(injected).flatMap((x) => judged(x, x.mttdMs));
    const dist = (v: (number | null | undefined)[]) => distribution(v.filter((x): x is number => typeof x === "number"), v.filter((x) => x === null).length);
    return { id: f.id, description: f.description, mttrMs: dist(mttr), mttdMs: watched.length ? dist(watched) : null };
  });

  const slo = evaluateObjectives(objectives, journals);
  const reasons: string[] = [];
  let verdict: Verdict = "pass";
  const worst = (v: Verdict) => {
    const rank: Verdict[] = ["pass", "fail", "error", "interrupted"];
    if (rank.indexOf(v) > rank.indexOf(verdict)) verdict = v;
  };
  trials.forEach((t, i) => {
    if (t.journal.verdict === "pass") return;
    worst(t.journal.verdict);
    reasons.push(`trial ${i + 1}: ${t.journal.reasons.join("; ") || t.journal.verdict}`);
  });
  // An objective with nothing left to judge is neither met nor missed: the trials that ended early are the reason.
  for (const r of slo.filter((x) => !x.pass && !x.notJudged)) {
    worst("fail");
    reasons.push(`SLO missed: ${r.objective} (measured ${r.never ? "never" : formatValue(r.measured, r.unit)} over ${trials.length} trial(s))`);
  }
  return {
    schemaVersion: AGGREGATE_SCHEMA_VERSION,
    kind: "trials",
    scenario: { name: first?.scenario.name ?? "", file: first?.scenario.file ?? "", ...(first?.scenario.description ? { description: first.scenario.description } : {}) },
    ...(variant ? { variant } : {}),
    trials: trials.map((t, i) => ({ trial: i + 1, dir: t.dir, runId: t.journal.runId, verdict: t.journal.verdict, startedAt: t.journal.startedAt, endedAt: t.journal.endedAt })),
    metrics,
    faults,
    slo,
    verdict,
    reasons,
  };
}
