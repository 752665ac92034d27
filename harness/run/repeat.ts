// Repeated trials (`steadystate run --repeat N`): N independent runs of the same scenario, each with fresh
// targets in its own folder (trial-1, trial-2, …), then the aggregate beside them. Objectives on trial
// statistics (`mttr.p90`) are judged on the aggregate; plain ones on each trial. An interrupted or errored
// trial ends the series (its journal is kept).
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import { writeTrialsReports } from "../../reports/write.ts";
import { runScenario, type Progress, type RunResult } from "./orchestrator.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { RangeQuery } from "../detect/query-range.ts";
import { splitMetric } from "../specs/slo/metrics.ts";
import { aggregateTrials, type Aggregate, type Trial } from "../trials/aggregate.ts";
import { assertNoTrials, trialDir } from "../trials/folder.ts";

export interface TrialsOptions {
  formats?: string[];
  signal?: AbortSignal;
  /** Progress of one trial; `label` says which ("trial 2/5", "canary trial 2/5"). */
  progress(label: string): Progress;
  docker?: Docker;
  /** Prometheus queries each trial evaluates over its load (run --ab: the judge's). */
  queries?: readonly RangeQuery[];
}

export interface TrialsResult {
  dir: string;
  aggregate: Aggregate;
  trials: Trial[];
}

const isTrialStat = (metric: string) => splitMetric(metric).stat !== undefined;

/** The scenario each trial runs: objectives on trial statistics are left to the aggregate. */
export const trialScenario = (s: Scenario): Scenario => ({ ...s, slo: s.slo.filter((o) => !isTrialStat(o.metric)) });

/** One trial into `dir/trial-k`. */
export function runTrial(scenario: Scenario, dir: string, k: number, n: number, opts: TrialsOptions, variant?: string): Promise<RunResult> {
  return runScenario(trialScenario(scenario), {
    outDir: join(dir, trialDir(k)),
    ...(opts.formats ? { formats: opts.formats } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.docker ? { docker: opts.docker } : {}),
    ...(opts.queries ? { queries: opts.queries } : {}),
    progress: opts.progress(`${variant ? `${variant} ` : ""}trial ${k}/${n}`),
  });
}

/** Whether a series of trials must stop after this one. */
export const endsSeries = (r: RunResult) => r.journal.verdict === "error" || r.journal.verdict === "interrupted";

/** Aggregates the trials and writes aggregate.json and the chosen reports into `dir`. */
export function finishTrials(scenario: Scenario, dir: string, trials: Trial[], formats: readonly string[], variant?: string): Aggregate {
  const aggregate = aggregateTrials(trials, scenario.slo.filter((o) => isTrialStat(o.metric)), variant);
  writeTrialsReports(aggregate, trials.map((t) => t.journal), dir, formats);
  return aggregate;
}

export async function runTrials(scenario: Scenario, outDir: string, repeat: number, opts: TrialsOptions): Promise<TrialsResult> {
  const dir = resolve(outDir);
  assertNoTrials(dir);
  const trials: Trial[] = [];
  for (let k = 1; k <= repeat; k++) {
    const r = await runTrial(scenario, dir, k, repeat, opts);
    trials.push({ dir: trialDir(k), journal: r.journal });
    if (endsSeries(r)) break;
  }
  const aggregate = finishTrials(scenario, dir, trials, opts.formats ?? scenario.report.formats);
  return { dir, aggregate, trials };
}
