// One run, start to end: targets up, probes and load on, faults on schedule, then everything undone and
// the journal written. Whatever happens (end, error, signal) the teardown stack unwinds and a journal,
// partial if need be, is left in the run folder.
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import type { Browser } from "playwright-core";
import { launchChromium } from "../journeys/browser.ts";
import { journeyFn } from "../journeys/journey.ts";
import { CHROMIUM_ANSWER_MS, startJourneys, type RunningJourneys } from "../journeys/runner.ts";
import type { LoadReport } from "../load/engine.ts";
import { loadEngines } from "../load/registry.ts";
import { startHostProxies } from "../proxy/host-proxies.ts";
import { Recorder } from "../metrics/recorder.ts";
import { runProbe } from "../probes/probe.ts";
import type { Scenario } from "../scenario/validate.ts";
import { connectDocker } from "../targets/docker.ts";
import { startTargets, type RunningTargets } from "../targets/containers.ts";
import { checkBlastRadius } from "../faults/blast-radius.ts";
import { applySteps, type RestoreStep } from "../faults/restore.ts";
import { checkStopConditions, type Trip } from "../metrics/stop-condition.ts";
import { Watch } from "../detect/watch.ts";
import { prometheusBinaries } from "../detect/prometheus.ts";
import { loadTargetName } from "../specs/load/spec.ts";
import { CheckRunner } from "../checks/runner.ts";
import { waitHealthy } from "../targets/health.ts";
import { FaultRunner } from "./inject.ts";
import type { Journal, RunEvent } from "../contracts/journal.ts";
import { buildJournal } from "./verdict.ts";
import { journeySource, probeSource } from "./measure.ts";
import { planFaults } from "./schedule.ts";
import { detachedTargets, hostProxyNeeds, runTopology, trafficUrls } from "./topology.ts";
import { Teardown, withTimeout, type UndoFailure } from "../contracts/teardown.ts";
import { UndoLog } from "./undo-log.ts";
import { writeReports } from "../../reports/write.ts";
import { LOAD_SOURCE } from "../contracts/journal.ts";

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

export const TICK_MS = 250;
const STOP_CHECK_MS = 100;

export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  // Journey scripts load first: one that does not export a function is a usage error, before anything starts.
  const journeyRuns = await Promise.all(scenario.journeys.map(async (spec) => ({ spec, fn: await journeyFn(spec) })));
  const runId = newRunId();
  const runDir = resolve(opts.outDir ?? join("steadystate-runs", runId));
  mkdirSync(runDir, { recursive: true });
  const startedAt = Date.now();
  // Written first, so that after a SIGKILL `steadystate cleanup --run <runId>` knows what to remove.
  // Written whole or not at all (renamed into place), so a reader never sees half of it.
  writeFileSync(join(runDir, "run.json.tmp"), JSON.stringify({ runId, pid: process.pid, scenario: scenario.file, startedAt }, null, 2) + "\n");
  renameSync(join(runDir, "run.json.tmp"), join(runDir, "run.json"));
  const events: RunEvent[] = [];
  const event = (type: string, message: string, at = Date.now()) => {
    const e = { at, type, message };
    events.push(e);
    opts.progress.event(e);
  };
  const undoLog = new UndoLog(runDir, runId);
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
  let journeys: RunningJourneys | undefined;
  let loadReport: LoadReport | void = undefined;
  let watch: Watch | undefined;
  let checks: CheckRunner | undefined;
  let loadStartedAt: number | null = null;
  let loadEndedAt: number | null = null;
  let error: unknown;
  let tripped: Trip | undefined;
  let undoFailures: UndoFailure[] = [];
  try {
    const docker = opts.docker ?? (await connectDocker());
    if (scenario.detection?.prometheus?.mode === "local") prometheusBinaries(); // missing: exit 3 before anything starts
    let browser: Browser | undefined;
    if (journeyRuns.length) {
      // Before the targets: a missing Chromium stops the run at once (exit 3, with the install command).
      opts.progress.phase("starting Chromium");
      const b = (browser = await launchChromium());
      teardown.push("close Chromium", () => b.close());
    }
    opts.progress.phase("starting targets");
    const plan = planFaults(scenario);
    const targetsCtx = { docker, runId, runDir, teardown, signal: stopAll.signal, log: (m: string) => event("target", m), event };
    targets = await startTargets(targetsCtx, scenario.targets, { portNetwork: detachedTargets(plan, scenario.targets) });
    leaveExternalAsFound(docker, targets, teardown, undoLog);
    if (!interrupted()) {
      opts.progress.phase("starting monitoring");
      watch = await Watch.start({ docker, runId, runDir, teardown, signal: stopAll.signal, targets: targetsCtx, event }, scenario, targets);
    }
    if (!interrupted()) {
      const w = watch!;
      const hostProxies = await startHostProxies(targets.replicas, hostProxyNeeds(plan), teardown, (m) => event("target", m));
      // Where load, probes and journeys reach each target: its balancer, or its host-side fault proxies.
      const urls = Object.fromEntries(Object.keys(scenario.targets).map((name) => [name, trafficUrls(targets!, hostProxies, name)]));
      const radius = { runId, external: new Set(Object.values(targets.replicas).flat().filter((r) => r.external).map((r) => r.containerId)) };
      faults = new FaultRunner(
        {
          docker,
          runId,
          teardown,
          undoLog,
          replicas: targets.replicas,
          topology: runTopology(targets, hostProxies),
          signal: stopAll.signal,
          event,
          guard: (victims) => checkBlastRadius(docker, radius, victims),
        },
        plan,
      );
      const stopLoad = new AbortController(); // a stop condition ends the load early
      const { load } = scenario;
      const warmup = load.warmupMs ? ` after a ${load.warmupMs / 1_000}s warm-up` : "";
      opts.progress.phase(`load ${load.durationMs / 1_000}s (${load.model === "script" ? "k6 script" : `${load.engine}, ${load.model} model`})${warmup}`);
      // Load, probes and journeys start now; the recorder only counts from the end of the warm-up.
      loadStartedAt = Date.now() + load.warmupMs;
      const rec = (recorder = new Recorder(loadStartedAt, { windowMs: scenario.steadyState.windowMs }));
      rec.addSource(LOAD_SOURCE);
      const stopProbes = new AbortController();
      const probes = scenario.probes.map((p) => {
        rec.addSource(probeSource(p.name));
        return runProbe(
          p,
          urls[p.target]!,
          (at, o) => {
            rec.record(probeSource(p.name), at, o.ok, o.latencyMs, o.ok ? undefined : o.reason);
            w.observe(probeSource(p.name), p.target, o.ok, o.latencyMs, o.ok ? undefined : o.reason);
          },
          stopProbes.signal,
        );
      });
      for (const j of scenario.journeys) rec.addSource(journeySource(j.name), { sparse: true, inHypothesis: j.hypothesis });
      if (browser) {
        journeys = startJourneys({
          browser,
          journeys: journeyRuns,
          urls,
          runDir,
          measuredFrom: loadStartedAt,
          record: (name, at, ok, latencyMs, reason) => rec.record(journeySource(name), at, ok, latencyMs, reason),
          signal: stopProbes.signal,
        });
      }
      faults.start(loadStartedAt);
      const checkHost = (target: string) => ({ targets: targetsCtx, running: targets!, target: scenario.targets[target]! });
      checks = new CheckRunner(scenario.checks, (c) => ({ urls: urls[c.target]!, runId, signal: stopAll.signal, event, host: checkHost(c.target) }));
      checks.start();
      w.beginLoad(rec);
      const ticker = setInterval(() => opts.progress.tick({ ...liveStats(rec, scenario, faults!), alerts: w.alerts.active() }), TICK_MS);
      const watcher = setInterval(() => {
        const trip = tripped ? undefined : checkStopConditions(rec, LOAD_SOURCE, scenario.abortWhen, Date.now());
        if (!trip) return;
        tripped = trip;
        event("abort", `abortWhen "${trip.condition}" holds (measured ${trip.measuredText}): stopping all faults and the load`);
        stopLoad.abort();
        void faults!.halt();
      }, STOP_CHECK_MS);
      const sliTarget = loadTargetName(load);
      let journeysFailed: unknown;
      try {
        loadReport = await loadEngines[load.engine].run({
          urls,
          spec: load,
          record: (at, ok, latencyMs, reason) => {
            rec.record(LOAD_SOURCE, at, ok, latencyMs, reason);
            w.observe(LOAD_SOURCE, sliTarget, ok, latencyMs, reason);
          },
          signal: AbortSignal.any([stopAll.signal, stopLoad.signal]),
          runDir,
        });
      } finally {
        loadEndedAt = Date.now();
        clearInterval(ticker);
        clearInterval(watcher);
        rec.close(loadEndedAt);
        stopProbes.abort();
        await Promise.allSettled(probes);
        // Loops end at once on the signal; their last Chromium calls are bounded (close, then each open).
        const journeysStop = withTimeout(journeys?.done ?? Promise.resolve(), 4 * CHROMIUM_ANSWER_MS, "browser journeys did not stop: Chromium stopped answering");
        journeysFailed = await journeysStop.then(() => undefined, (e: unknown) => e);
        await w.endLoad();
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
      if (journeysFailed) throw journeysFailed;
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
    journeys: journeys?.failures() ?? {},
    arrivals: loadReport?.arrivals ?? null,
    checks: checks?.results() ?? [],
    targets,
    events,
    undoFailures,
    error,
    stopped: tripped,
    interrupted: interrupted() ? String(opts.signal?.reason ?? "interrupted") : undefined,
    ...(watch ? { watch: watch.results() } : {}),
  });
  const reports = writeReports(journal, runDir, opts.formats ?? scenario.report.formats);
  return { journal, runDir, reports };
}

/**
 * Containers the scenario names are left as found, whatever the faults did: running and unpaused. Logged
 * in the undo log too, so that `cleanup` does the same after a SIGKILL.
 */
function leaveExternalAsFound(docker: Docker, targets: RunningTargets, teardown: Teardown, undoLog: UndoLog): void {
  for (const r of Object.values(targets.replicas).flat().filter((x) => x.external)) {
    const id = `targets.${r.target}`;
    const label = `leave ${r.containerName} running and unpaused, as found`;
    const steps: RestoreStep[] = [
      { op: "start", container: r.containerId },
      { op: "unpause", container: r.containerId },
    ];
    for (const step of steps) undoLog.add(id, label, step);
    teardown.push(label, async () => {
      await applySteps(docker, steps);
      undoLog.done(id);
    });
  }
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
