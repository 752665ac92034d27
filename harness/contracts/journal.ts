// The journal: everything a run measured, as plain versioned JSON (documented in docs/journal.md).
// It is the only thing reports, SLO evaluation and later comparisons read.
import type { LatencyHistogram } from "./latency-histogram.ts";
import type { QuerySeries } from "./query-series.ts";

export const JOURNAL_SCHEMA_VERSION = 1;

export interface LoadSummary {
  engine: string;
  model: string;
  rate?: number;
  stages?: { durationMs: number; rate: number }[];
  connections?: number;
  script?: string;
  requests: { target: string; method: string; path: string; weight: number; headers: Record<string, string>; body?: string }[];
}

export type Verdict = "pass" | "fail" | "error" | "interrupted";

/**
 * Why something was not judged: the run ended before it could be, interrupted (a signal) or aborted (a stop
 * condition, `abortWhen`). Neither a pass nor a failure of the system under test.
 */
export type NotJudged = "interrupted" | "aborted";

export interface SloResult {
  objective: string;
  metric: string;
  op: string;
  goal: number;
  /** null when the metric could not be measured (e.g. no requests). Infinity is written as null too; see `never`. */
  measured: number | null;
  /** True when the measured value is "never" (a fault that never recovered). */
  never?: boolean;
  unit: Unit;
  pass: boolean;
  /** What the value is relative to, when the metric can mean more than one thing (error_budget_burn). */
  basis?: string;
  /** What the value leaves out and why ("1 fault not judged (interrupted)"): values the run's early end cut short. */
  excluded?: string;
  /** Set when every value the objective reads was cut short: it is neither met nor missed (`pass` is false). */
  notJudged?: NotJudged;
}

export interface FaultRecord {
  id: string;
  kind: string;
  target: string;
  description: string;
  /** Container names hit, in order. */
  victims: string[];
  /**
   * The seed that drew the victims (`select.seed`, by default the fault's index; plus k − 1 for occurrence
   * k of a repeated fault); null without `select` (every replica is hit).
   */
  seed: number | null;
  /** Scheduled offset from the load start. */
  atMs: number;
  durationMs: number | null;
  injectedAt: number | null;
  restoredAt: number | null;
  /** How long the undo took (also when it failed); null when nothing was undone. */
  undoMs: number | null;
  impactStartAt: number | null;
  recoveredAt: number | null;
  impactMs: number | null;
  mttrMs: number | null;
  recovered: boolean;
  /** Set when the run ended early before the fault recovered: its recovery is unknown, not "never". */
  notJudged?: NotJudged;
  error?: string;
  /** First alert or detector firing attributed to the fault (see docs/detection.md), and its name. */
  detectedAt: number | null;
  detectedBy: string | null;
  /** First heal action after the detection, and its name (restart, replace, scale, resources). */
  actionAt: number | null;
  action: string | null;
  /** detectedAt − injectedAt; actionAt − detectedAt. */
  mttdMs: number | null;
  mttaMs: number | null;
  /** The target and signal that became anomalous first after the injection. */
  localisation: Localisation | null;
}

export interface Localisation {
  target: string;
  signal: string;
  at: number;
  matchesInjected: boolean;
}

export interface ContainerResources {
  target: string;
  samples: ResourceSample[];
}

export interface Expectation {
  alert: string;
  /** The fault's id (faults[i]). */
  fault: string;
  withinMs: number;
  /** First firing after the injection (before the next fault), null when none. */
  firedAt: number | null;
  delayMs: number | null;
  met: boolean;
  /** Set when the run ended early, before the alert fired and before `withinMs` had passed. */
  notJudged?: NotJudged;
}

export interface DetectionSummary {
  /** Where the harness served its SLI metrics during the run. */
  sliUrl: string | null;
  prometheusUrl: string | null;
  alertmanagerUrl: string | null;
  quietBefore: boolean;
  settleMs: number;
  detectors: { name: string; description: string }[];
  expectations: Expectation[];
  /** Firings not attributable to a fault: before the first one, or more than settleMs after a recovery. */
  falseAlarms: AlertEvent[];
}

/** A fault as scheduled, before anything is measured: every timing null until the run fills it in. */
export function scheduledFault(
  f: Pick<FaultRecord, "id" | "kind" | "target" | "description" | "victims" | "atMs" | "durationMs"> & { seed?: number | null },
): FaultRecord {
  return {
    ...f,
    seed: f.seed ?? null,
    injectedAt: null,
    restoredAt: null,
    undoMs: null,
    impactStartAt: null,
    recoveredAt: null,
    impactMs: null,
    mttrMs: null,
    recovered: false,
    detectedAt: null,
    detectedBy: null,
    actionAt: null,
    action: null,
    mttdMs: null,
    mttaMs: null,
    localisation: null,
  };
}

export interface SourceMetrics {
  total: number;
  ok: number;
  failed: number;
  failedBy: Record<string, number>;
  availability: number | null;
  latencyMs: LatencySummary;
}

/** One failed browser journey: where it stopped and what the page showed (screenshot relative to the run folder). */
export interface JourneyFailure {
  /** When the journey gave up; `startedAt` when it began (a journey started in an outage may fail after it). */
  at: number;
  startedAt: number;
  step: string;
  error: string;
  /** null when the screenshot budget of the journey was spent or the page could not be captured. */
  screenshot: string | null;
}

export interface JourneyMetrics extends SourceMetrics {
  /** The first failures, in order (bounded); `failuresOmitted` counts the rest. */
  failures: JourneyFailure[];
  failuresOmitted: number;
}

/** Open model: how many arrivals the schedule asked for and how late the engine sent them. */
export interface ArrivalStats {
  requested: number;
  sent: number;
  /** Sent but still unanswered when the load ended: left unjudged. */
  unfinished: number;
  /** Requests per second asked for and sent, over the engine's whole run (warm-up included). */
  requestedRate: number;
  sentRate: number;
  /** Sending time minus scheduled time. */
  lateMs: { p50?: number; p99?: number; max?: number };
}

export interface WindowRow extends TimelineRow {
  /** Whether the steady-state hypothesis held in this window (over every source). */
  held: boolean;
  /**
   * Per source as in a timeline row, plus the latency histogram of every successful request of the window
   * (contracts/latency-histogram.ts; absent when the source had no success, and in older journals).
   */
  series: Record<string, TimelineRow["series"][string] & { histogram?: LatencyHistogram }>;
}

export interface RunEvent {
  at: number;
  type: string;
  message: string;
}

export interface Journal {
  schemaVersion: number;
  tool: { name: "steadystate"; version: string };
  runId: string;
  scenario: {
    name: string;
    file: string;
    description?: string;
    loadDurationMs: number;
    /** Load and journeys ran this long before the measured phase; nothing of it is recorded. */
    warmupMs?: number;
    /** The availability objective's budget period (`errorBudget.period`), when given. */
    errorBudget?: { periodMs: number };
    /** The load as run; header and body values are written as in the scenario (`${VAR}` never expanded). */
    load?: LoadSummary;
    targets: Record<
      string,
      { image: string; replicas: number; restart: string; port: number; env: Record<string, string>; volumes?: Record<string, string> }
    >;
  };
  startedAt: number;
  endedAt: number;
  loadStartedAt: number | null;
  loadEndedAt: number | null;
  verdict: Verdict;
  /** Why the verdict is not pass, one line each. */
  reasons: string[];
  error?: { message: string; fix?: string };
  /** The stop condition (`abortWhen`) that ended the run early: its text, the metric over its window, when. */
  abort?: { condition: string; measured: number; at: number };
  slo: SloResult[];
  metrics: {
    requests: { total: number; ok: number; failed: number; failedBy: Record<string, number> };
    availability: { request: number | null; time: number | null };
    latencyMs: LatencySummary;
    /** Successful requests per second over the load phase. */
    throughput: number | null;
    /** All completed requests per second (successful or not). */
    requestRate: number | null;
    /** Per probe; `target` is the target it observes (the per-target failure ratios of the series reliability formula). */
    probes: Record<string, SourceMetrics & { target?: string }>;
    /** Browser journeys ("journey:NAME" in the timeline). */
    journeys?: Record<string, JourneyMetrics>;
    /** Open-model load only: requested against sent arrivals. */
    arrivals?: ArrivalStats | null;
  };
  hypothesis: {
    windowMs: number;
    stableForMs: number;
    conditions: string[];
    windows: { total: number; held: number };
    /** The hypothesis over the windows before the first fault (Chaos Toolkit's "before" check). */
    before: { windows: number; held: number } | null;
  };
  faults: FaultRecord[];
  /** Data checks (e.g. acknowledged writes read back after recovery), in scenario order. */
  checks: CheckRecord[];
  /** Width of each timeline row. */
  bucketMs: number;
  /** Per-bucket counts and latency quantiles, per source ("load", "probe:NAME", "journey:NAME"). */
  timeline: TimelineRow[];
  /** The hypothesis windows (aligned, complete), with per-window quantiles and latency histograms per source; the canary judge's samples. */
  windows?: WindowRow[];
  events: RunEvent[];
  targets: Record<string, { replicas: { name: string; restarts: number; status: string; exitCode: number | null; log: string }[] }>;
  files: Record<string, string>;
  /** Per container: about one sample per second from the Docker stats API. */
  resources: Record<string, ContainerResources>;
  /** Alert and detector edges during the run (Alertmanager or polling; detectors carry a `detector` label). */
  alerts: AlertEvent[];
  /** Actions of the healer. */
  heal: HealRecord[];
  detection: DetectionSummary | null;
  /**
   * Prometheus queries evaluated over the load for the canary judge (`run --ab` with query metrics in its
   * judge file), by the metric's name; absent otherwise. Validated when read (contracts/query-series.ts).
   */
  queries?: Record<string, QuerySeries>;
}

/** Whether anything in the run could detect a fault (alerts or detectors configured). */
export function detects(j: Pick<Journal, "detection">): boolean {
  const d = j.detection;
  return !!d && (d.prometheusUrl !== null || d.alertmanagerUrl !== null || d.detectors.length > 0);
}

/** What a read-back found, by key state. */
export interface ReadBackCounts {
  startedAt: number;
  endedAt: number;
  read: number;
  present: number;
  absent: number;
  mismatched: number;
  unreadable: number;
}

/**
 * The backup-restore drill of an acked-writes check: after the read-back, every volume of the target is
 * copied into a backup volume, the target's containers and volumes are destroyed, the volumes are
 * recreated from the backups, the target is started again and every write is read back once more.
 */
export interface RestoreDrillRecord {
  kind: "backup-restore";
  /** Each volume of the target and the backup volume it was copied into. */
  volumes: { volume: string; backup: string }[];
  startedAt: number | null;
  /** Copying every volume into its backup. */
  backupMs: number | null;
  /** Destroying the target → every replica healthy again on the restored volumes. */
  restoreMs: number | null;
  /** Start of the backup → healthy again (time to restore, backup included). */
  totalMs: number | null;
  /** null until the read-back after the restore ran. */
  verify: ReadBackCounts | null;
  /** Acknowledged writes absent (or changed) after the restore; null when not every key was read. */
  lost: number | null;
  /** Up to 20 keys the restore lost. */
  lostKeys: string[];
  error?: string;
}

/** What an acked-writes check found (journal `checks[]`). */
export interface AckedWritesRecord {
  id: string;
  kind: "acked-writes";
  target: string;
  description: string;
  path: string;
  rate: number;
  writes: { attempted: number; acked: number; notAcked: number; notAckedBy: Record<string, number> };
  /** null until the read-back ran (interrupted runs, targets that never came back). */
  verify: ReadBackCounts | null;
  /** Acknowledged writes absent (or holding another value) after recovery; null when not verified. */
  lost: number | null;
  /** Writes never acknowledged that are present anyway (allowed: the answer was lost, not the write). */
  unackedPresent: number | null;
  /** Up to 20 lost keys, for the report. */
  lostKeys: string[];
  /** Only when the check asks for one (`drill: backup-restore`). */
  drill?: RestoreDrillRecord;
  /** Set when the run ended early, before the read-back. */
  notJudged?: NotJudged;
  error?: string;
}

export type CheckRecord = AckedWritesRecord;

export interface LatencySummary {
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  max?: number;
  mean?: number;
}

export interface TimelineRow {
  at: number;
  series: Record<string, { ok: number; failed: number } & LatencySummary>;
}

export type Unit = "ratio" | "duration" | "rate" | "count";

// Every alert the run saw, from Alertmanager (webhook or polling) and from the built-in detectors, as edges:
// firing when it starts, resolved when it ends. An alert is one name with one set of labels; repeated
// notifications of the same state are not new edges. Listeners (the healer, live progress) hear each edge.
export interface AlertEvent {
  name: string;
  state: "firing" | "resolved";
  at: number;
  labels: Record<string, string>;
}

export interface HealRecord {
  at: number;
  rule: string;
  /** The alert or detector that triggered it. */
  on: string;
  action: string;
  target: string;
  /** Containers acted on. */
  replicas: string[];
  ok: boolean;
  /** What was done. */
  detail?: string;
  error?: string;
}

// One resource sample from one message of Docker's stats stream, computed as `docker stats` does (Docker CLI
// 20.10): CPU % = container CPU time delta / host CPU time delta × online CPUs × 100 (100 = one core);
// memory = usage minus inactive page cache; network bytes summed over interfaces (counted since the
// container's network namespace was created, so they restart from 0 when the container restarts).
export interface ResourceSample {
  at: number;
  cpuPercent: number;
  memoryBytes: number;
  restarts: number;
  rxBytes: number;
  txBytes: number;
}

export const LOAD_SOURCE = "load";
/** The recorder's and the journal's source names (timeline and windows) of a probe and a browser journey. */
export const probeSource = (name: string) => `probe:${name}`;
export const journeySource = (name: string) => `journey:${name}`;
