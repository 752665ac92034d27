// The journal: everything a run measured, as plain versioned JSON (documented in docs/journal.md).
// It is the only thing reports, SLO evaluation and later comparisons read.
import type { CheckRecord } from "../checks/check.ts";
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
  /** Data checks (e.g. acknowledged writes read back after recovery), in scenario order. */
  checks: CheckRecord[];
  /** Width of each timeline row. */
  bucketMs: number;
  /** Per-bucket counts and latency quantiles, per source ("load", "probe:NAME"). */
  timeline: TimelineRow[];
  events: RunEvent[];
  targets: Record<string, { replicas: { name: string; restarts: number; status: string; exitCode: number | null; log: string }[] }>;
  files: Record<string, string>;
}
