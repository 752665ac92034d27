// The journal: everything a run measured, as plain versioned JSON (documented in docs/journal.md).
// It is the only thing reports, SLO evaluation and later comparisons read.
import type { LatencySummary } from "../metrics/histogram.ts";
import type { TimelineRow } from "../metrics/recorder.ts";
import type { Unit } from "../slo/grammar.ts";
import type { AlertEvent } from "../detect/alert-log.ts";
import type { HealRecord } from "../heal/healer.ts";
import type { ResourceSample } from "../monitor/docker-stats.ts";

export const JOURNAL_SCHEMA_VERSION = 1;

export type Verdict = "pass" | "fail" | "error" | "interrupted";

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
}

export interface FaultRecord {
  id: string;
  kind: string;
  target: string;
  description: string;
  /** Container names hit, in order. */
  victims: string[];
  /** Scheduled offset from the load start. */
  atMs: number;
  durationMs: number | null;
  injectedAt: number | null;
  restoredAt: number | null;
  impactStartAt: number | null;
  recoveredAt: number | null;
  impactMs: number | null;
  mttrMs: number | null;
  recovered: boolean;
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

export interface SourceMetrics {
  total: number;
  ok: number;
  failed: number;
  failedBy: Record<string, number>;
  availability: number | null;
  latencyMs: LatencySummary;
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
    targets: Record<string, { image: string; replicas: number; restart: string; port: number; env: Record<string, string> }>;
  };
  startedAt: number;
  endedAt: number;
  loadStartedAt: number | null;
  loadEndedAt: number | null;
  verdict: Verdict;
  /** Why the verdict is not pass, one line each. */
  reasons: string[];
  error?: { message: string; fix?: string };
  slo: SloResult[];
  metrics: {
    requests: { total: number; ok: number; failed: number; failedBy: Record<string, number> };
    availability: { request: number | null; time: number | null };
    latencyMs: LatencySummary;
    /** Successful requests per second over the load phase. */
    throughput: number | null;
    /** All completed requests per second (successful or not). */
    requestRate: number | null;
    probes: Record<string, SourceMetrics>;
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
  /** Width of each timeline row. */
  bucketMs: number;
  /** Per-bucket counts and latency quantiles, per source ("load", "probe:NAME"). */
  timeline: TimelineRow[];
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
}
