// One run, start to end: targets up, probes and load on, faults on schedule, then everything undone and
// the journal written. Whatever happens (end, error, signal) the teardown stack unwinds and a journal,
// partial if need be, is left in the run folder.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import type { Browser } from "playwright-core";
import { launchChromium } from "../journeys/browser.ts";
import { journeyFn } from "../journeys/journey.ts";
import { CHROMIUM_ANSWER_MS, startJourneys, type JourneyRun, type RunningJourneys } from "../journeys/runner.ts";
import type { LoadReport } from "../load/engine.ts";
import { loadEngines } from "../load/registry.ts";
import { startHostProxies } from "../proxy/host-proxies.ts";
import { Recorder } from "../metrics/recorder.ts";
import { runProbe } from "../probes/probe.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { connectDocker } from "../docker/docker.ts";
import { startTargets, type RunningTargets } from "../targets/containers.ts";
import { checkBlastRadius } from "../faults/blast-radius.ts";
import { applySteps } from "../faults/restore.ts";
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
import { planFaults, type PlannedFault } from "./schedule.ts";
import { detachedTargets, hostProxyNeeds, runTopology, trafficUrls } from "./topology.ts";
import { Teardown, withTimeout, type UndoFailure } from "../contracts/teardown.ts";
import { UNDO_LOG, UndoLog } from "./undo-log.ts";
import { writeRunFile } from "./run-file.ts";
import { InfraError } from "../contracts/errors.ts";
import { writeReports } from "../../reports/write.ts";
import { LOAD_SOURCE } from "../contracts/journal.ts";
import type { TargetsContext } from "../docker/context.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
import type { QuerySeries } from "../contracts/query-series.ts";
import type { RangeQuery } from "../detect/query-range.ts";
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
  /** Prometheus queries to evaluate over the load before the teardown, into the journal's `queries` (the canary judge's). */
  queries?: readonly RangeQuery[];
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

/** What every part of a run shares. */
interface RunContext {
  scenario: Scenario;
  opts: RunOptions;
  runId: string;
  runDir: string;
  startedAt: number;
  /** The run's timeline, appended to by `event`. */
  events: RunEvent[];
  event: (type: string, message: string, at?: number) => void;
  undoLog: UndoLog;
  teardown: Teardown;
  /** Targets, faults: aborted only by an interruption. */
  stopAll: AbortController;
  interrupted: () => boolean;
}

/** What the run has started and measured so far: the teardown and the journal take whatever it reached. */
interface RunState {
  recorder?: Recorder;
  targets?: RunningTargets;
  faults?: FaultRunner;
  journeys?: RunningJourneys;
  loadReport?: LoadReport | void;
  watch?: Watch;
  checks?: CheckRunner;
  loadStartedAt: number | null;
  loadEndedAt: number | null;
  tripped?: Trip;
  queries?: Record<string, QuerySeries>;
}

/** What is up when the measured phase starts: the targets, their monitoring, Chromium for the journeys. */
interface Started {
  docker: Docker;
  plan: PlannedFault[];
  targetsCtx: TargetsContext;
  targets: RunningTargets;
  watch: Watch;
  browser: Browser | undefined;
}

export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  if (opts.outDir) refuseUnfinishedRun(resolve(opts.outDir));
  // Journey scripts load first: one that does not export a function is a usage error, before anything starts.
  const journeyRuns = await Promise.all(scenario.journeys.map(async (spec) => ({ spec, fn: await journeyFn(spec) })));
  const { runId, runDir, startedAt } = createRunFolder(scenario, opts.outDir);
  const events: RunEvent[] = [];
  const event = (type: string, message: string, at = Date.now()) => {
    const e = { at, type, message };
    events.push(e);
    opts.progress.event(e);
  };
  const undoLog = new UndoLog(runDir, runId);
  const teardown = new Teardown(15_000, (label, error) => event(error ? "undo-failed" : "undo", error ? `${label}: ${error}` : label));
  const stopAll = new AbortController();
  const interrupted = () => opts.signal?.aborted ?? false;
  const ctx: RunContext = { scenario, opts, runId, runDir, startedAt, events, event, undoLog, teardown, stopAll, interrupted };
  const stopListening = stopOnInterrupt(ctx);

  const state: RunState = { loadStartedAt: null, loadEndedAt: null };
  let error: unknown;
  let undoFailures: UndoFailure[] = [];
  try {
    await startAndMeasure(ctx, state, journeyRuns);
  } catch (e) {
    error = e;
    event("error", (e as Error).message);
  } finally {
    await state.watch?.endLoad().catch(() => undefined);
    await state.faults?.stop().catch(() => undefined);
    state.queries = await queryLoad(ctx, state).catch(() => undefined);
    opts.progress.phase("undoing faults and removing containers");
    undoFailures = await teardown.unwind();
    stopListening();
  }

  const journal = runJournal(ctx, state, undoFailures, error);
  const reports = writeReports(journal, runDir, opts.formats ?? scenario.report.formats);
  return { journal, runDir, reports };
}

/**
 * A folder whose undo log still holds steps is that of a run killed before it undid its faults: a new run
 * there would overwrite run.json and the log, and with them the only record of how to restore containers
 * the killed run does not own. Refused before anything starts or is written.
 */
function refuseUnfinishedRun(runDir: string): void {
  if (!existsSync(join(runDir, UNDO_LOG))) return;
  throw new InfraError(
    `${runDir} holds the undo log of a run that did not finish: its faults may still be in force`,
    `run \`steadystate cleanup ${runDir}\` to undo them, then run again (or give another --out)`,
  );
}

/**
 * The run folder, and its run.json written first, so that after a SIGKILL `steadystate cleanup --run <runId>`
 * knows what to remove.
 */
function createRunFolder(scenario: Scenario, outDir: string | undefined): { runId: string; runDir: string; startedAt: number } {
  const runId = newRunId();
  const runDir = resolve(outDir ?? join("steadystate-runs", runId));
  mkdirSync(runDir, { recursive: true });
  const startedAt = Date.now();
  writeRunFile(runDir, { runId, pid: process.pid, scenario: scenario.file, startedAt, external: [] });
  return { runId, runDir, startedAt };
}

/**
 * The containers the scenario names, by id, added to run.json once found and before any fault: the undo
 * log may touch them (besides the run's own), and `cleanup` reads which they are there.
 */
function recordExternal({ scenario, runId, runDir, startedAt }: RunContext, targets: RunningTargets): void {
  const external = Object.values(targets.replicas).flat().filter((r) => r.external).map((r) => r.containerId);
  writeRunFile(runDir, { runId, pid: process.pid, scenario: scenario.file, startedAt, external });
}

/** An interruption (the signal aborted, now or later) stops the load and undoes the faults; returns how to stop listening. */
function stopOnInterrupt({ opts, event, stopAll, interrupted }: RunContext): () => void {
  const onInterrupt = () => {
    event("interrupt", `${String(opts.signal?.reason ?? "interrupted")}: stopping load and undoing faults`);
    stopAll.abort();
  };
  opts.signal?.addEventListener("abort", onInterrupt, { once: true });
  if (interrupted()) onInterrupt();
  return () => opts.signal?.removeEventListener("abort", onInterrupt);
}

/** Chromium and the targets up, then their monitoring, then the measured phase; an interruption skips what is left. */
async function startAndMeasure(ctx: RunContext, state: RunState, journeyRuns: JourneyRun[]): Promise<void> {
  const { scenario, opts, runId, runDir, teardown, stopAll, event } = ctx;
  const docker = opts.docker ?? (await connectDocker());
  if (scenario.detection?.prometheus?.mode === "local") prometheusBinaries(); // missing: exit 3 before anything starts
  const browser = await startChromium(ctx, journeyRuns);
  opts.progress.phase("starting targets");
  const plan = planFaults(scenario);
  const targetsCtx = { docker, runId, runDir, teardown, signal: stopAll.signal, log: (m: string) => event("target", m), event };
  const targets = (state.targets = await startTargets(targetsCtx, scenario.targets, { portNetwork: detachedTargets(plan, scenario.targets) }));
  recordExternal(ctx, targets);
  leaveExternalAsFound(docker, targets, teardown, ctx.undoLog);
  if (!ctx.interrupted()) {
    opts.progress.phase("starting monitoring");
    state.watch = await Watch.start({ docker, runId, runDir, teardown, signal: stopAll.signal, targets: targetsCtx, event }, scenario, targets);
  }
  if (!ctx.interrupted()) await measureUnderFaults(ctx, state, { docker, plan, targetsCtx, targets, watch: state.watch!, browser }, journeyRuns);
}

/** Before the targets: a missing Chromium stops the run at once (exit 3, with the install command). */
async function startChromium({ opts, teardown }: RunContext, journeyRuns: JourneyRun[]): Promise<Browser | undefined> {
  if (!journeyRuns.length) return undefined;
  opts.progress.phase("starting Chromium");
  const browser = await launchChromium();
  teardown.push("close Chromium", () => browser.close());
  return browser;
}

/**
 * Load, probes, journeys and data checks on the targets while the faults run on schedule; then all of them
 * stopped, the data checks verified, and a failure of the journeys to stop thrown.
 */
async function measureUnderFaults(ctx: RunContext, state: RunState, up: Started, journeyRuns: JourneyRun[]): Promise<void> {
  const { scenario, opts } = ctx;
  const { urls, faults } = await setUpFaults(ctx, state, up);
  const stopLoad = new AbortController(); // a stop condition ends the load early
  announceLoad(ctx);
  // Load, probes and journeys start now; the recorder only counts from the end of the warm-up.
  const loadStartedAt = (state.loadStartedAt = Date.now() + scenario.load.warmupMs);
  const rec = (state.recorder = new Recorder(loadStartedAt, { windowMs: scenario.steadyState.windowMs }));
  rec.addSource(LOAD_SOURCE);
  const stopProbes = new AbortController();
  const probes = startProbes(scenario, urls, rec, up.watch, stopProbes.signal);
  const journeys = (state.journeys = startBrowserJourneys(ctx, up.browser, journeyRuns, urls, rec, stopProbes.signal));
  faults.start(loadStartedAt);
  const checks = (state.checks = newCheckRunner(ctx, up, urls));
  checks.start();
  up.watch.beginLoad(rec);
  const ticker = setInterval(() => opts.progress.tick({ ...liveStats(rec, scenario, faults), alerts: up.watch.alerts.active() }), TICK_MS);
  const watcher = watchStopConditions(ctx, state, rec, faults, stopLoad);
  let journeysFailed: unknown;
  try {
    state.loadReport = await runLoad(ctx, urls, rec, up.watch, stopLoad.signal);
  } finally {
    const loadEndedAt = (state.loadEndedAt = Date.now());
    clearInterval(ticker);
    clearInterval(watcher);
    rec.close(loadEndedAt);
    stopProbes.abort();
    await Promise.allSettled(probes);
    journeysFailed = await journeysStopped(journeys);
    await up.watch.endLoad();
    await faults.stop();
    await checks.stop();
  }
  if (scenario.checks.length && !ctx.interrupted()) await verifyChecks(ctx, up, checks);
  if (journeysFailed) throw journeysFailed;
}

/** The fault runner, with host-side fault proxies in front of the targets its faults need them for. */
async function setUpFaults(ctx: RunContext, state: RunState, up: Started): Promise<{ faults: FaultRunner; urls: Record<string, string[]> }> {
  const { scenario, runId, teardown, undoLog, stopAll, event } = ctx;
  const { docker, targets } = up;
  const hostProxies = await startHostProxies(targets.replicas, hostProxyNeeds(up.plan), teardown, (m) => event("target", m));
  // Where load, probes and journeys reach each target: its balancer, or its host-side fault proxies.
  const urls = Object.fromEntries(Object.keys(scenario.targets).map((name) => [name, trafficUrls(targets, hostProxies, name)]));
  const radius = { runId, external: new Set(Object.values(targets.replicas).flat().filter((r) => r.external).map((r) => r.containerId)) };
  const faults = (state.faults = new FaultRunner(
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
    up.plan,
  ));
  return { faults, urls };
}

function announceLoad({ scenario, opts }: RunContext): void {
  const { load } = scenario;
  const warmup = load.warmupMs ? ` after a ${load.warmupMs / 1_000}s warm-up` : "";
  opts.progress.phase(`load ${load.durationMs / 1_000}s (${load.model === "script" ? "k6 script" : `${load.engine}, ${load.model} model`})${warmup}`);
}

/** Each probe a source of the recorder, its outcomes also observed by the watch. */
function startProbes(scenario: Scenario, urls: Record<string, string[]>, rec: Recorder, watch: Watch, signal: AbortSignal): Promise<void>[] {
  return scenario.probes.map((p) => {
    rec.addSource(probeSource(p.name));
    return runProbe(
      p,
      urls[p.target]!,
      (at, o) => {
        rec.record(probeSource(p.name), at, o.ok, o.latencyMs, o.ok ? undefined : o.reason);
        watch.observe(probeSource(p.name), p.target, o.ok, o.latencyMs, o.ok ? undefined : o.reason);
      },
      signal,
    );
  });
}

/** Each journey a sparse source of the recorder; they run when Chromium was started for them. */
function startBrowserJourneys(
  { scenario, runDir }: RunContext,
  browser: Browser | undefined,
  journeyRuns: JourneyRun[],
  urls: Record<string, string[]>,
  rec: Recorder,
  signal: AbortSignal,
): RunningJourneys | undefined {
  for (const j of scenario.journeys) rec.addSource(journeySource(j.name), { sparse: true, inHypothesis: j.hypothesis });
  if (!browser) return undefined;
  return startJourneys({
    browser,
    journeys: journeyRuns,
    urls,
    runDir,
    measuredFrom: rec.startAt,
    record: (name, at, ok, latencyMs, reason) => rec.record(journeySource(name), at, ok, latencyMs, reason),
    signal,
  });
}

/** Each data check reaches its target as the load does. */
function newCheckRunner({ scenario, runId, stopAll, event }: RunContext, up: Started, urls: Record<string, string[]>): CheckRunner {
  const checkHost = (target: string) => ({ targets: up.targetsCtx, running: up.targets, target: scenario.targets[target]! });
  return new CheckRunner(scenario.checks, (c) => ({ urls: urls[c.target]!, runId, signal: stopAll.signal, event, host: checkHost(c.target) }));
}

/** Every STOP_CHECK_MS, the abortWhen conditions; the first to hold stops all faults and the load. */
function watchStopConditions({ scenario, event }: RunContext, state: RunState, rec: Recorder, faults: FaultRunner, stopLoad: AbortController): NodeJS.Timeout {
  return setInterval(() => {
    const trip = state.tripped ? undefined : checkStopConditions(rec, LOAD_SOURCE, scenario.abortWhen, Date.now());
    if (!trip) return;
    state.tripped = trip;
    event("abort", `abortWhen "${trip.condition}" holds (measured ${trip.measuredText}): stopping all faults and the load`);
    stopLoad.abort();
    void faults.halt();
  }, STOP_CHECK_MS);
}

/** The load, by its engine; each outcome recorded and observed by the watch as the SLI target's. */
function runLoad({ scenario, runDir, stopAll }: RunContext, urls: Record<string, string[]>, rec: Recorder, watch: Watch, stopLoad: AbortSignal): Promise<LoadReport | void> {
  const { load } = scenario;
  const sliTarget = loadTargetName(load);
  return loadEngines[load.engine].run({
    urls,
    spec: load,
    record: (at, ok, latencyMs, reason) => {
      rec.record(LOAD_SOURCE, at, ok, latencyMs, reason);
      watch.observe(LOAD_SOURCE, sliTarget, ok, latencyMs, reason);
    },
    signal: AbortSignal.any([stopAll.signal, stopLoad]),
    runDir,
  });
}

/** Loops end at once on the signal; their last Chromium calls are bounded (close, then each open). Resolves to why they did not stop, if so. */
function journeysStopped(journeys: RunningJourneys | undefined): Promise<unknown> {
  const journeysStop = withTimeout(journeys?.done ?? Promise.resolve(), 4 * CHROMIUM_ANSWER_MS, "browser journeys did not stop: Chromium stopped answering");
  return journeysStop.then(() => undefined, (e: unknown) => e);
}

/** After recovery: faults are undone; each check waits for its target to be healthy again. */
async function verifyChecks({ scenario, opts, stopAll }: RunContext, up: Started, checks: CheckRunner): Promise<void> {
  opts.progress.phase("verifying data checks");
  const ready = async (t: string) => {
    await Promise.all(up.targets.replicas[t]!.map((r) => waitHealthy(up.docker, r, scenario.targets[t]!.health, stopAll.signal)));
  };
  await checks.verify(ready, stopAll.signal);
}

/**
 * The judge's Prometheus queries over the load, asked while the run's own Prometheus still runs (before the
 * teardown stops it). Not after an interruption (nothing of the run is compared then), nor without a load.
 */
async function queryLoad({ opts, event, interrupted }: RunContext, state: RunState): Promise<Record<string, QuerySeries> | undefined> {
  const queries = opts.queries ?? [];
  const { watch, loadStartedAt, loadEndedAt } = state;
  if (!queries.length || !watch || loadStartedAt === null || loadEndedAt === null || interrupted()) return undefined;
  opts.progress.phase(`evaluating ${queries.length} Prometheus ${queries.length > 1 ? "queries" : "query"} over the load`);
  const series = await watch.queryLoad(queries, { start: loadStartedAt, end: loadEndedAt });
  for (const [name, q] of Object.entries(series)) {
    if (q.error) event("watch-failed", `query ${name}: ${q.error}`);
    else event("watch", `query ${name}: ${q.series} series, ${q.points.length} point(s) every ${q.stepMs}ms${q.nonFinite ? `, ${q.nonFinite} not a number` : ""}`);
  }
  return series;
}

/** The journal of whatever the run reached. */
function runJournal({ scenario, opts, runId, startedAt, events, interrupted }: RunContext, state: RunState, undoFailures: UndoFailure[], error: unknown): Journal {
  return buildJournal({
    scenario,
    runId,
    startedAt,
    endedAt: Date.now(),
    loadStartedAt: state.loadStartedAt,
    loadEndedAt: state.loadEndedAt,
    recorder: state.recorder,
    faults: state.faults?.results() ?? [],
    journeys: state.journeys?.failures() ?? {},
    arrivals: state.loadReport?.arrivals ?? null,
    checks: state.checks?.results() ?? [],
    targets: state.targets,
    events,
    undoFailures,
    error,
    stopped: state.tripped,
    interrupted: interrupted() ? String(opts.signal?.reason ?? "interrupted") : undefined,
    ...(state.watch ? { watch: state.watch.results() } : {}),
    ...(state.queries ? { queries: state.queries } : {}),
  });
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
