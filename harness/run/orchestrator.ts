// One run, start to end: targets up, probes and load on, faults on schedule, then everything undone and
// the journal written. Whatever happens (end, error, signal) the teardown stack unwinds and a journal,
// partial if need be, is left in the run folder.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import { loadEngines } from "../load/registry.ts";
import { Recorder } from "../metrics/recorder.ts";
import { runProbe } from "../probes/probe.ts";
import type { Scenario } from "../scenario/validate.ts";
import { connectDocker } from "../targets/docker.ts";
import { entryUrls, startTargets, type RunningTargets } from "../targets/containers.ts";
import { Watch } from "../detect/watch.ts";
import { prometheusBinaries } from "../detect/prometheus.ts";
import { FaultRunner } from "./inject.ts";
import type { Journal, RunEvent } from "./journal.ts";
import { buildJournal } from "./verdict.ts";
import { LOAD_SOURCE, probeSource } from "./measure.ts";
import { planFaults } from "./schedule.ts";
import { Teardown, type UndoFailure } from "./teardown.ts";
import { writeReports } from "../../reports/write.ts";

export interface LiveStats {
  elapsedMs: number;
  totalMs: number;
  requestsPerSecond: number;
  errorRate: number | null;
  p99Ms: number | undefined;
  activeFaults: string[];
  /** Alerts and detectors firing now. */
  alerts?: string[];
}

export interface Progress {
  phase(message: string): void;
  event(e: RunEvent): void;
  tick(stats: LiveStats): void;
}

export interface RunOptions {
  /** Run folder; default ./steadystate-runs/<runId>. */
  outDir?: string;
  /** Report formats, overriding the scenario's. */
  formats?: string[];
  /** Aborting it interrupts the run (signal handlers do); the reason names the signal. */
  signal?: AbortSignal;
  progress: Progress;
  docker?: Docker;
}

export interface RunResult {
  journal: Journal;
  runDir: string;
  reports: string[];
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

const TICK_MS = 250;

export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  const runId = newRunId();
  const runDir = resolve(opts.outDir ?? join("steadystate-runs", runId));
  mkdirSync(runDir, { recursive: true });
  const startedAt = Date.now();
  // Written first, so that after a SIGKILL `steadystate cleanup --run <runId>` knows what to remove.
  writeFileSync(join(runDir, "run.json"), JSON.stringify({ runId, pid: process.pid, scenario: scenario.file, startedAt }, null, 2) + "\n");
  const events: RunEvent[] = [];
  const event = (type: string, message: string, at = Date.now()) => {
    const e = { at, type, message };
    events.push(e);
    opts.progress.event(e);
  };
  const teardown = new Teardown(15_000, (label, error) => event(error ? "undo-failed" : "undo", error ? `${label}: ${error}` : label));
  const stopAll = new AbortController(); // targets, faults: aborted only by an interruption
  const interrupted = () => opts.signal?.aborted ?? false;
  const onInterrupt = () => {
    event("interrupt", `${String(opts.signal?.reason ?? "interrupted")}: stopping load and undoing faults`);
    stopAll.abort();
  };
  opts.signal?.addEventListener("abort", onInterrupt, { once: true });
  if (interrupted()) onInterrupt();

  let recorder: Recorder | undefined;
  let targets: RunningTargets | undefined;
  let faults: FaultRunner | undefined;
  let watch: Watch | undefined;
  let loadStartedAt: number | null = null;
  let loadEndedAt: number | null = null;
  let error: unknown;
  let undoFailures: UndoFailure[] = [];
  try {
    const docker = opts.docker ?? (await connectDocker());
    if (scenario.detection?.prometheus?.mode === "local") prometheusBinaries(); // missing: exit 3 before anything starts
    opts.progress.phase("starting targets");
    const targetsCtx = { docker, runId, runDir, teardown, signal: stopAll.signal, log: (m: string) => event("target", m), event };
    targets = await startTargets(targetsCtx, scenario.targets);
    if (!interrupted()) {
      opts.progress.phase("starting monitoring");
      watch = await Watch.start({ docker, runId, runDir, teardown, signal: stopAll.signal, targets: targetsCtx, event }, scenario, targets);
    }
    if (!interrupted()) {
      const w = watch!;
      const urls = (target: string) => entryUrls(targets!, target);
      faults = new FaultRunner(
        { docker, teardown, replicas: targets.replicas, signal: stopAll.signal, event },
        planFaults(scenario),
      );
      opts.progress.phase(`load ${scenario.load.durationMs / 1_000}s on ${scenario.load.target}`);
      loadStartedAt = Date.now();
      const rec = (recorder = new Recorder(loadStartedAt, { windowMs: scenario.steadyState.windowMs }));
      rec.addSource(LOAD_SOURCE);
      const stopProbes = new AbortController();
      const probes = scenario.probes.map((p) => {
        rec.addSource(probeSource(p.name));
        return runProbe(
          p,
          urls(p.target),
          (at, o) => {
            rec.record(probeSource(p.name), at, o.ok, o.latencyMs, o.ok ? undefined : o.reason);
            w.observe(probeSource(p.name), p.target, o.ok, o.latencyMs, o.ok ? undefined : o.reason);
          },
          stopProbes.signal,
        );
      });
      faults.start(loadStartedAt);
      w.beginLoad(rec);
      const ticker = setInterval(() => opts.progress.tick({ ...liveStats(rec, scenario, faults!), alerts: w.alerts.active() }), TICK_MS);
      try {
        await loadEngines[scenario.load.engine].run({
          urls: urls(scenario.load.target),
          spec: scenario.load,
          record: (at, ok, latencyMs, reason) => {
            rec.record(LOAD_SOURCE, at, ok, latencyMs, reason);
            w.observe(LOAD_SOURCE, scenario.load.target, ok, latencyMs, reason);
          },
          signal: stopAll.signal,
        });
      } finally {
        loadEndedAt = Date.now();
        clearInterval(ticker);
        rec.close(loadEndedAt);
        stopProbes.abort();
        await Promise.allSettled(probes);
        await w.endLoad();
        await faults.stop();
      }
    }
  } catch (e) {
    error = e;
    event("error", (e as Error).message);
  } finally {
    await watch?.endLoad().catch(() => undefined);
    await faults?.stop().catch(() => undefined);
    opts.progress.phase("undoing faults and removing containers");
    undoFailures = await teardown.unwind();
    opts.signal?.removeEventListener("abort", onInterrupt);
  }

  const journal = buildJournal({
    scenario,
    runId,
    startedAt,
    endedAt: Date.now(),
    loadStartedAt,
    loadEndedAt,
    recorder,
    faults: faults?.results() ?? [],
    targets,
    events,
    undoFailures,
    error,
    interrupted: interrupted() ? String(opts.signal?.reason ?? "interrupted") : undefined,
    ...(watch ? { watch: watch.results() } : {}),
  });
  const reports = writeReports(journal, runDir, opts.formats ?? scenario.report.formats);
  return { journal, runDir, reports };
}

function liveStats(rec: Recorder, scenario: Scenario, faults: FaultRunner): LiveStats {
  const now = Date.now();
  const last = rec.bucketIndex(now);
  const s = rec.stats(LOAD_SOURCE, last - 10, last);
  const n = s.ok + s.failed;
  return {
    elapsedMs: now - rec.startAt,
    totalMs: scenario.load.durationMs,
    requestsPerSecond: n,
    errorRate: n ? s.failed / n : null,
    p99Ms: s.latency.p99,
    activeFaults: faults.active(),
  };
}
