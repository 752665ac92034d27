// Item 1. Load overhead: a real harness run (`steadystate run` of the bench scenario, its target the bench's
// api container as a `container:` target, no faults: recording, per-request SLI metrics, container
// monitoring, abortWhen watching and progress output all on) against standalone autocannon (the library
// alone), each in a process of its own, with the same connections, duration and timeout, taking turns
// against the one container. The harness's figures are its journal's, over its load phase only; its
// start-up is reported apart. Bursts are short and alternate in order, so that other work on the machine
// hits both alike; each pair gives a ratio, and the figure is their median.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Journal } from "../harness/contracts/journal.ts";
import { loadScenario } from "../harness/scenario/parse.ts";
import { startTargets } from "../harness/targets/containers.ts";
import { scenarioVariant, benchScenario, startScenarioCli } from "./cli.ts";
import type { BenchContext, BenchItem } from "./item.ts";
import { cpuShare, sampleCpu, type CpuSample } from "./proc-cpu.ts";
import { round, summary } from "./stats.ts";

const SCENARIO = "bench/scenarios/load-overhead.yaml";
// Many short pairs: a pair's two bursts see nearly the same machine, and the median of many pairs is not
// moved by the few that another process disturbed.
const PAIRS_PER_REPEAT = 4;
/** How often the harness process's CPU time is read: its load phase is known only from its journal. */
const CPU_SAMPLE_MS = 50;

export interface Sample {
  throughput: number;
  p99: number;
  requests: number;
  /** CPU time (user + system) of the load process per request, over the load only. */
  cpuUsPerRequest: number;
}

export interface HarnessSample extends Sample {
  /** From spawning `steadystate run` to the start of its load phase. */
  startupMs: number;
}

/** One burst of autocannon alone, in a process of its own (bench/standalone-load.ts). */
async function standaloneBurst(baseUrl: string): Promise<Sample> {
  const script = join(import.meta.dirname, "standalone-load.ts");
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script, baseUrl]);
  return JSON.parse(stdout) as Sample;
}

/** One `steadystate run` (progress on stderr, as in CI), its CPU time read from outside while it runs. */
async function harnessBurst(scenarioFile: string, outDir: string): Promise<HarnessSample> {
  const spawnedAt = Date.now();
  const run = startScenarioCli(scenarioFile, outDir, { progress: true });
  const cpu = sampleCpu(run.child.pid!, CPU_SAMPLE_MS);
  // The sampler also ends by itself once the process is gone, should the run fail.
  const { journal } = await run.done;
  return harnessSample(journal, cpu.stop(), spawnedAt);
}

/** The harness arm's figures: the journal's over the load phase, the CPU sampled inside it. */
export function harnessSample(j: Pick<Journal, "loadStartedAt" | "loadEndedAt" | "metrics">, cpu: readonly CpuSample[], spawnedAt: number): HarnessSample {
  const { loadStartedAt, loadEndedAt, metrics } = j;
  if (loadStartedAt === null || loadEndedAt === null || metrics.throughput === null || metrics.latencyMs.p99 === undefined) {
    throw new Error("the run's journal has no load phase");
  }
  const share = cpuShare(cpu, loadStartedAt, loadEndedAt);
  if (share === undefined) throw new Error("no two CPU samples fall inside the run's load phase");
  const requests = metrics.requests.total;
  return {
    throughput: metrics.throughput,
    p99: metrics.latencyMs.p99,
    requests,
    // The share of the sampled span, over the whole load phase: the sampled span is its interior.
    cpuUsPerRequest: round((share * (loadEndedAt - loadStartedAt) * 1_000) / requests, 2),
    startupMs: loadStartedAt - spawnedAt,
  };
}

export const loadOverhead: BenchItem = {
  id: 1,
  title: "Load overhead: harness run vs standalone autocannon",
  async run(ctx: BenchContext) {
    const scenario = loadScenario(benchScenario("load-overhead.yaml"));
    const { load } = scenario;
    const dir = join(ctx.workDir, "load-overhead");
    const targets = await startTargets(
      { docker: ctx.docker, runId: ctx.benchId, runDir: dir, teardown: ctx.teardown, signal: new AbortController().signal, log: () => undefined },
      scenario.targets,
    );
    const api = targets.replicas[load.requests[0]!.target]![0]!;
    // The same scenario, its target the container already running (the runs neither build nor start it).
    const harnessScenario = scenarioVariant(SCENARIO, (doc) => {
      const { port, health } = doc.targets.api;
      doc.targets.api = { container: api.containerName, port, health };
    });
    await standaloneBurst(api.url); // warms the target; not counted
    const pairs: { harness: HarnessSample; standalone: Sample }[] = [];
    for (let i = 0; i < PAIRS_PER_REPEAT * ctx.repeats; i++) {
      const harness = () => harnessBurst(harnessScenario, join(dir, `run-${i}`));
      const standalone = () => standaloneBurst(api.url);
      const pair = i % 2 === 0 ? { harness: await harness(), standalone: await standalone() } : { standalone: await standalone(), harness: await harness() };
      pairs.push(pair);
      const { harness: h, standalone: s } = pair;
      ctx.log(`pair ${i + 1}: harness ${h.throughput} req/s (p99 ${h.p99}ms, start-up ${h.startupMs}ms), autocannon ${s.throughput} req/s (p99 ${s.p99}ms)`);
    }
    const throughputRatios = summary(pairs.map((p) => p.harness.throughput / p.standalone.throughput));
    const p99Ratios = summary(pairs.map((p) => p.harness.p99 / p.standalone.p99));
    const cpuRatios = summary(pairs.map((p) => p.harness.cpuUsPerRequest / p.standalone.cpuUsPerRequest));
    const startup = summary(pairs.map((p) => p.harness.startupMs / 1_000));
    return {
      figures: [
        {
          name: `throughput ratio (harness run / autocannon), median of ${pairs.length} pairs`,
          value: throughputRatios.median,
          unit: "ratio",
          goal: { op: ">=", value: 0.95 },
          note: `the middle half of the pairs lies between ${throughputRatios.q1} and ${throughputRatios.q3} (all: ${throughputRatios.min}–${throughputRatios.max})`,
        },
        {
          name: "p99 ratio (harness run / autocannon)",
          value: p99Ratios.median,
          unit: "ratio",
          note: "autocannon reports whole milliseconds (truncated), the harness microseconds",
        },
        {
          name: "CPU per request ratio (harness run / autocannon)",
          value: cpuRatios.median,
          unit: "ratio",
          note:
            `the run's process (every thread; procfs, 10 ms ticks) read every ${CPU_SAMPLE_MS} ms, between the reads inside its load phase; ` +
            "autocannon's process.cpuUsage() around its load; start-up and teardown excluded from both",
        },
        { name: "autocannon alone: throughput", value: summary(pairs.map((p) => p.standalone.throughput)).median, unit: "req/s" },
        {
          name: "harness run: start-up before the load",
          value: startup.median,
          unit: "s",
          note: "process start to the load phase (tsx, the container attached and healthy, monitoring on), not in the ratios; item 6 times a whole run",
        },
      ],
      details: { scenario: SCENARIO, harnessScenario, burstMs: load.durationMs, pairs, throughputRatios, p99Ratios, cpuRatios, startupSeconds: startup },
    };
  },
};
