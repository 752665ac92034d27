// One run, start to end: targets up, probes and load on, faults on schedule, then everything undone and
// the journal written. Whatever happens (end, error, signal) the teardown stack unwinds and a journal,
// partial if need be, is left in the run folder.
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import { loadEngines } from "../load/registry.ts";
import { Recorder } from "../metrics/recorder.ts";
import { runProbe } from "../probes/probe.ts";
import type { Scenario } from "../scenario/validate.ts";
import { connectDocker } from "../targets/docker.ts";
import { startTargets, type RunningTargets } from "../targets/containers.ts";
import { CheckRunner } from "../checks/runner.ts";
import { waitHealthy } from "../targets/health.ts";
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

export const TICK_MS = 250;

export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  const runId = newRunId();
  const runDir = resolve(opts.outDir ?? join("steadystate-runs", runId));
  mkdirSync(runDir, { recursive: true });
  const startedAt = Date.now();
  // Written first, so that after a SIGKILL `steadystate cleanup --run <runId>` knows what to remove.
  // Written whole or not at all (renamed into place), so a reader never sees half of it.
  writeFileSync(join(runDir, "run.json.tmp"), JSON.stringify({ runId, pid: process.pid, scenario: scenario.file, startedAt }, null, 2) + "\n");
  renameSync(join(runDir, "run.json.tmp"), join(runDir, "run.json"));
  const events: RunEvent[] = [];
  const event = (type: string, message: string) => {
    const e = { at: Date.now(), type, message };
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
  let checks: CheckRunner | undefined;
  let loadStartedAt: number | null = null;
  let loadEndedAt: number | null = null;
  let error: unknown;
  let undoFailures: UndoFailure[] = [];
  try {
    const docker = opts.docker ?? (await connectDocker());
    opts.progress.phase("starting targets");
    targets = await startTargets(
      { docker, runId, runDir, teardown, signal: stopAll.signal, log: (m) => event("target", m) },
      scenario.targets,
    );
    if (!interrupted()) {
      const urls = (target: string) => targets!.replicas[target]!.map((r) => r.url);
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
        return runProbe(p, urls(p.target), (at, o) => rec.record(probeSource(p.name), at, o.ok, o.latencyMs, o.ok ? undefined : o.reason), stopProbes.signal);
      });
      faults.start(loadStartedAt);
      checks = new CheckRunner(scenario.checks, (c) => ({ urls: urls(c.target), runId, signal: stopAll.signal, event }));
      checks.start();
      const ticker = setInterval(() => opts.progress.tick(liveStats(rec, scenario, faults!)), TICK_MS);
      try {
        await loadEngines[scenario.load.engine].run({
          urls: urls(scenario.load.target),
          spec: scenario.load,
          record: (at, ok, latencyMs, reason) => rec.record(LOAD_SOURCE, at, ok, latencyMs, reason),
          signal: stopAll.signal,
        });
      } finally {
        loadEndedAt = Date.now();
        clearInterval(ticker);
        rec.close(loadEndedAt);
        stopProbes.abort();
        await Promise.allSettled(probes);
        await faults.stop();
        await checks.stop();
      }
      if (scenario.checks.length && !interrupted()) {
        // After recovery: faults are undone; each check waits for its target to be healthy again.
        opts.progress.phase("verifying data checks");
        const ready = async (t: string) => {
          await Promise.all(targets!.replicas[t]!.map((r) => waitHealthy(docker, r, scenario.targets[t]!.health, stopAll.signal)));
        };
        await checks.verify(ready, stopAll.signal);
      }
    }
  } catch (e) {
    error = e;
    event("error", (e as Error).message);
  } finally {
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
    checks: checks?.results() ?? [],
    targets,
    events,
    undoFailures,
    error,
    interrupted: interrupted() ? String(opts.signal?.reason ?? "interrupted") : undefined,
  });
  const reports = writeReports(journal, runDir, opts.formats ?? scenario.report.formats);
  return { journal, runDir, reports };
}

/** What the live progress shows; computed every TICK_MS during the load. */
export function liveStats(rec: Recorder, scenario: Scenario, faults: Pick<FaultRunner, "active">): LiveStats {
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
