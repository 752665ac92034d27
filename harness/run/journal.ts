// The journal: everything a run measured, as plain versioned JSON (documented in docs/journal.md).
// It is the only thing reports, SLO evaluation and later comparisons read.
import type { LatencySummary } from "../metrics/histogram.ts";
import type { TimelineRow } from "../metrics/recorder.ts";
import type { Unit } from "../slo/grammar.ts";

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
  // Detection and healing, written when the run watches alerts or detectors (reports render them when present).
  detectedAt?: number | null;
  detectedBy?: string | null;
  actionAt?: number | null;
  action?: string | null;
  mttdMs?: number | null;
  mttaMs?: number | null;
  /** The target and signal that became anomalous first, compared with the injected target. */
  localisation?: { target: string; signal: string; at: number; matchesInjected: boolean } | null;
}

/** One sample of a container's resource use (Docker stats). */
export interface ResourceSample {
  at: number;
  cpuPercent: number;
  memoryBytes: number;
  restarts: number;
  rxBytes: number;
  txBytes: number;
}

export interface AlertEvent {
  name: string;
  state: "firing" | "resolved";
  at: number;
  labels: Record<string, string>;
}

/** An alert the scenario expects to fire after a fault, and whether it did in time. */
export interface AlertExpectation {
  alert: string;
  /** Fault id (or kind) the alert must follow. */
  fault?: string;
  withinMs?: number;
  firedAt?: number | null;
  met: boolean;
}

export interface SourceMetrics {
  total: number;
  ok: number;
  failed: number;
  failedBy: Record<string, number>;
  availability: number | null;
  latencyMs: LatencySummary;
}

export interface WindowRow extends TimelineRow {
  /** Whether the steady-state hypothesis held in this window (over every source). */
  held: boolean;
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
    /** The load's shape (closed model: `connections` workers, each waiting for its answer). */
    load?: { target: string; path: string; connections: number; rate?: number };
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
    probes: Record<string, SourceMetrics & { target?: string }>;
    journeys?: Record<string, SourceMetrics>;
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
  /** The hypothesis windows (aligned, complete), with exact per-window quantiles per source; the canary judge's samples. */
  windows?: WindowRow[];
  events: RunEvent[];
  resources?: Record<string, { target: string; samples: ResourceSample[] }>;
  alerts?: AlertEvent[];
  expectations?: AlertExpectation[];
  targets: Record<string, { replicas: { name: string; restarts: number; status: string; exitCode: number | null; log: string }[] }>;
  files: Record<string, string>;
}
