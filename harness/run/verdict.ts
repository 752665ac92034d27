// Assembles the journal at the end of a run and decides the verdict: interrupted, error (the harness could
// not do its job), fail (an SLO missed or a fault never recovered), or pass.
import { createRequire } from "node:module";
import type { Recorder } from "../metrics/recorder.ts";
import { InfraError } from "../scenario/errors.ts";
import type { Scenario } from "../scenario/validate.ts";
import { evaluateSlos } from "../slo/evaluate.ts";
import { formatValue } from "../slo/grammar.ts";
import type { RunningTargets } from "../targets/containers.ts";
import { JOURNAL_SCHEMA_VERSION, type FaultRecord, type Journal, type RunEvent, type Verdict } from "./journal.ts";
import { measure } from "./measure.ts";
import type { UndoFailure } from "./teardown.ts";

export const VERSION: string = createRequire(import.meta.url)("../../package.json").version;

export interface JournalInput {
  scenario: Scenario;
  runId: string;
  startedAt: number;
  endedAt: number;
  loadStartedAt: number | null;
  loadEndedAt: number | null;
  recorder: Recorder | undefined;
  faults: FaultRecord[];
  targets: RunningTargets | undefined;
  events: RunEvent[];
  undoFailures: UndoFailure[];
  error: unknown;
  interrupted: string | undefined;
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
    scenario: {
      name: s.name,
      file: s.file,
      ...(s.description ? { description: s.description } : {}),
      loadDurationMs: s.load.durationMs,
      load: { target: s.load.target, path: s.load.path, connections: s.load.connections, ...(s.load.rate === undefined ? {} : { rate: s.load.rate }) },
      targets: Object.fromEntries(
        Object.values(s.targets).map((t) => [
          t.name,
          {
            image: input.targets?.images[t.name] ?? t.image ?? `build: ${t.build}`,
            replicas: t.replicas,
            restart: t.restart,
            port: t.port,
            // Values can be secrets: only the names are kept.
            env: Object.fromEntries(Object.keys(t.env).map((k) => [k, "<redacted>"])),
          },
        ]),
      ),
    },
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    loadStartedAt: input.loadStartedAt,
    loadEndedAt: input.loadEndedAt,
    verdict: "pass",
    reasons: [],
    slo: [],
    ...measured,
    events: input.events,
    targets: Object.fromEntries(Object.entries(input.targets?.reports ?? {}).map(([k, replicas]) => [k, { replicas }])),
    files: Object.fromEntries(
      Object.values(input.targets?.reports ?? {})
        .flat()
        .map((r) => [`log ${r.name}`, r.log]),
    ),
  };

  // The target each probe observes: the per-target failure ratios of the series reliability formula.
  for (const p of s.probes) {
    const m = journal.metrics.probes[p.name];
    if (m) m.target = p.target;
  }

  const reasons: string[] = [];
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
  // SLOs are judged only on a run that reached its end: a partial run would be judged on partial data.
  if (verdict === "pass") {
    journal.slo = evaluateSlos(s.slo, journal);
    for (const r of journal.slo.filter((x) => !x.pass)) {
      verdict = "fail";
      reasons.push(`SLO missed: ${r.objective} (measured ${r.never ? "never" : formatValue(r.measured, r.unit)})`);
    }
    for (const f of journal.faults.filter((x) => x.injectedAt !== null && !x.recovered)) {
      verdict = "fail";
      reasons.push(`${f.description} never recovered: the steady-state hypothesis did not hold for ${s.steadyState.stableForMs}ms before the load ended`);
    }
  }
  journal.verdict = verdict;
  journal.reasons = reasons;
  return journal;
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
    },
    hypothesis: { windowMs: s.steadyState.windowMs, stableForMs: s.steadyState.stableForMs, conditions: [], windows: { total: 0, held: 0 }, before: null },
    faults,
    bucketMs: 100,
    timeline: [],
  };
}
