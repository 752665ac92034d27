// Assembles the journal at the end of a run and decides the verdict: interrupted, error (the harness could
// not do its job), fail (an SLO missed or a fault never recovered), or pass.
import type { CheckRecord } from "../contracts/journal.ts";
import type { Recorder } from "../metrics/recorder.ts";
import { InfraError } from "../contracts/errors.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { Trip } from "../metrics/stop-condition.ts";
import { evaluateSlos } from "../slo/evaluate.ts";
import { formatValue } from "../specs/slo/grammar.ts";
import type { FailureLog } from "../journeys/runner.ts";
import type { LoadSpec } from "../specs/load/spec.ts";
import type { RunningTargets } from "../targets/containers.ts";
import { JOURNAL_SCHEMA_VERSION, type ArrivalStats, type FaultRecord, type Journal, type LoadSummary, type NotJudged, type RunEvent, type Verdict } from "../contracts/journal.ts";
import { measure } from "./measure.ts";
import { markNotJudged } from "./not-judged.ts";
import { detectionParts, detectionReasons } from "../detect/journal.ts";
import type { WatchResults } from "../detect/watch.ts";
import type { UndoFailure } from "../contracts/teardown.ts";
import type { QuerySeries } from "../contracts/query-series.ts";
import { PACKAGE_VERSION } from "../host/package-files.ts";

export const VERSION: string = PACKAGE_VERSION;

export interface JournalInput {
  scenario: Scenario;
  runId: string;
  startedAt: number;
  endedAt: number;
  loadStartedAt: number | null;
  loadEndedAt: number | null;
  recorder: Recorder | undefined;
  faults: FaultRecord[];
  /** Failed journeys' steps, errors and screenshots, by journey name. */
  journeys?: Record<string, FailureLog>;
  arrivals?: ArrivalStats | null;
  checks: CheckRecord[];
  targets: RunningTargets | undefined;
  events: RunEvent[];
  undoFailures: UndoFailure[];
  error: unknown;
  /** The stop condition (abortWhen) that ended the run early, if one did. */
  stopped?: Trip | undefined;
  interrupted: string | undefined;
  /** What monitoring, alerting, detectors and the healer recorded (absent when the run stopped before). */
  watch?: WatchResults;
  /** The judge's Prometheus queries evaluated over the load (run --ab with query metrics). */
  queries?: Record<string, QuerySeries>;
}

export const EXIT_CODES: Record<Verdict, number> = { pass: 0, fail: 1, error: 3, interrupted: 130 };

export function buildJournal(input: JournalInput): Journal {
  const { scenario: s, recorder } = input;
  const measured =
    recorder && input.loadStartedAt !== null
      ? measure(recorder, s.steadyState, input.faults, input.loadStartedAt)
      : emptyMeasures(s, input.faults);

  const journal: Journal = {
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    tool: { name: "steadystate", version: VERSION },
    runId: input.runId,
    scenario: scenarioSummary(s, input.targets),
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    loadStartedAt: input.loadStartedAt,
    loadEndedAt: input.loadEndedAt,
    verdict: "pass",
    reasons: [],
    slo: [],
    ...measured,
    checks: input.checks,
    events: input.events,
    targets: Object.fromEntries(Object.entries(input.targets?.reports ?? {}).map(([k, replicas]) => [k, { replicas }])),
    files: runFiles(input),
    ...detectionParts(s, measured.faults, measured.timeline, input.loadEndedAt, input.watch),
    ...(input.queries ? { queries: input.queries } : {}),
  };
  completeMetrics(journal, input);
  const cause = earlyEnd(input);
  if (cause) markNotJudged(journal, cause);
  judge(journal, input);
  return journal;
}

/** Why the run ended before the load's end, if it did: an interruption outranks a stop condition. */
function earlyEnd(input: JournalInput): NotJudged | undefined {
  if (input.interrupted) return "interrupted";
  return input.stopped ? "aborted" : undefined;
}

/** The scenario as run, for the reader of a journal. */
function scenarioSummary(s: Scenario, running: RunningTargets | undefined): Journal["scenario"] {
  return {
    name: s.name,
    file: s.file,
    ...(s.description ? { description: s.description } : {}),
    loadDurationMs: s.load.durationMs,
    ...(s.load.warmupMs ? { warmupMs: s.load.warmupMs } : {}),
    ...(s.errorBudget ? { errorBudget: s.errorBudget } : {}),
    load: loadSummary(s.load),
    targets: Object.fromEntries(Object.values(s.targets).map((t) => [t.name, targetSummary(t, running)])),
  };
}

/** A target as run: the image it ran (built, local, the user's container or a URL), its replicas and settings. */
function targetSummary(t: Scenario["targets"][string], running: RunningTargets | undefined): Journal["scenario"]["targets"][string] {
  return {
    image:
      running?.images[t.name] ??
      t.image ??
      (t.build !== undefined ? `build: ${t.build}` : t.container !== undefined ? `container: ${t.container}` : `url: ${t.url}`),
    replicas: t.replicas,
    restart: t.restart,
    port: t.port,
    // Values can be secrets: only the names are kept.
    env: Object.fromEntries(Object.keys(t.env).map((k) => [k, "<redacted>"])),
    ...(Object.keys(t.volumes).length ? { volumes: t.volumes } : {}),
  };
}

/** The files of the run folder: each replica's log, each balancer's log and config, and monitoring's files. */
function runFiles(input: JournalInput): Journal["files"] {
  return Object.fromEntries([
    ...Object.values(input.targets?.reports ?? {})
      .flat()
      // A replaced replica's containers share a name: the later ones are told apart by their log file.
      .map((r, i, all) => [all.findIndex((x) => x.name === r.name) === i ? `log ${r.name}` : `log ${r.name} (${r.log})`, r.log]),
    ...Object.values(input.targets?.balancers ?? {}).flatMap((b) => [
      [`log ${b.containerName}`, b.log],
      [`config ${b.containerName}`, b.config],
    ]),
    ...Object.entries(input.watch?.files ?? {}),
  ]);
}

/** What the measures do not know: each probe's target, the load's arrivals, the journeys' failures and screenshots. */
function completeMetrics(journal: Journal, input: JournalInput): void {
  // The target each probe observes: the per-target failure ratios of the series reliability formula.
  for (const p of input.scenario.probes) {
    const m = journal.metrics.probes[p.name];
    if (m) m.target = p.target;
  }
  journal.metrics.arrivals = input.arrivals ?? null;
  for (const [name, m] of Object.entries(journal.metrics.journeys ?? {})) {
    const log = input.journeys?.[name];
    if (log) Object.assign(m, { failures: log.failures, failuresOmitted: log.omitted });
    for (const f of m.failures) if (f.screenshot) journal.files[`screenshot ${f.screenshot.replace(/^journeys\/|\.png$/g, "")}`] = f.screenshot;
  }
}

/** The verdict and its reasons: first what kept the harness from doing its job, then, if nothing did, the run's outcome. */
function judge(journal: Journal, input: JournalInput): void {
  const reasons: string[] = [];
  let verdict = harnessVerdict(journal, input, reasons);
  // SLOs are judged only on a run that reached its end: a partial run would be judged on partial data.
  if (verdict === "pass") verdict = outcomeVerdict(journal, input, reasons);
  journal.verdict = verdict;
  journal.reasons = reasons;
}

/** Interrupted, or error (an error, an undo or an injection that failed), else pass; each with its reason. */
function harnessVerdict(journal: Journal, input: JournalInput, reasons: string[]): Verdict {
  let verdict: Verdict = "pass";
  if (input.interrupted) {
    verdict = "interrupted";
    reasons.push(`interrupted by ${input.interrupted}; faults were undone and targets removed`);
  }
  if (input.error) {
    if (verdict === "pass") verdict = "error";
    const e = input.error as Error;
    journal.error = { message: e.message, ...(e instanceof InfraError && e.fix ? { fix: e.fix } : {}) };
    reasons.push(e.message);
  }
  for (const f of input.undoFailures) {
    if (verdict === "pass") verdict = "error";
    reasons.push(`could not undo "${f.label}": ${f.error}`);
  }
  for (const f of journal.faults.filter((x) => x.error)) {
    if (verdict === "pass") verdict = "error";
    reasons.push(`could not inject ${f.description}: ${f.error}`);
  }
  return verdict;
}

/** Fail when an SLO was missed, the run stopped early or a fault never recovered, or detection missed; else pass. */
function outcomeVerdict(journal: Journal, input: JournalInput, reasons: string[]): Verdict {
  const s = input.scenario;
  let verdict: Verdict = "pass";
  journal.slo = evaluateSlos(s.slo, journal);
  // An objective left with nothing to judge is neither met nor missed: the stop condition is the reason.
  for (const r of journal.slo.filter((x) => !x.pass && !x.notJudged)) {
    verdict = "fail";
    reasons.push(`SLO missed: ${r.objective} (measured ${r.never ? "never" : formatValue(r.measured, r.unit)})`);
  }
  if (input.stopped) {
    verdict = "fail";
    journal.abort = { condition: input.stopped.condition, measured: input.stopped.measured, at: input.stopped.at };
    reasons.push(`stopped early: abortWhen "${input.stopped.condition}" held (measured ${input.stopped.measuredText}); every fault was undone`);
  }
  // A fault the stop condition cut short is not judged (markNotJudged): the load ended with the faults.
  for (const f of journal.faults.filter((x) => x.injectedAt !== null && !x.recovered && !x.notJudged)) {
    verdict = "fail";
    reasons.push(`${f.description} never recovered: the steady-state hypothesis did not hold for ${s.steadyState.stableForMs}ms before the load ended`);
  }
  for (const r of detectionReasons(journal)) {
    verdict = "fail";
    reasons.push(r);
  }
  return verdict;
}

/** The load as run, for the reader of a journal; `${VAR}` references stay unexpanded (secrets never land here). */
function loadSummary(l: LoadSpec): LoadSummary {
  return {
    engine: l.engine,
    model: l.model,
    ...(l.rate === undefined ? {} : { rate: l.rate }),
    ...(l.stages.length ? { stages: l.stages } : {}),
    ...(l.connections === undefined ? {} : { connections: l.connections }),
    ...(l.script ? { script: l.script } : {}),
    requests: l.requests.map((r) => ({ target: r.target, method: r.method, path: r.path, weight: r.weight, headers: r.headers, ...(r.body === undefined ? {} : { body: r.body }) })),
  };
}

function emptyMeasures(s: Scenario, faults: FaultRecord[]): Pick<Journal, "metrics" | "hypothesis" | "timeline" | "bucketMs" | "faults"> {
  return {
    metrics: {
      requests: { total: 0, ok: 0, failed: 0, failedBy: {} },
      availability: { request: null, time: null },
      latencyMs: {},
      throughput: null,
      requestRate: null,
      probes: {},
      journeys: {},
      arrivals: null,
    },
    hypothesis: { windowMs: s.steadyState.windowMs, stableForMs: s.steadyState.stableForMs, conditions: [], windows: { total: 0, held: 0 }, before: null },
    faults,
    bucketMs: 100,
    timeline: [],
  };
}
