// Item 1. Load overhead: the harness's load phase (its autocannon engine recording every outcome, live
// statistics on) against standalone autocannon (the library alone), each in a process of its own, with
// the same connections, duration and timeout, taking turns against one target container started as a run
// starts it. Bursts are short and alternate in order, so that other work on the machine hits both alike;
// each pair gives a ratio, and the figure is their median.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadScenario } from "../harness/scenario/parse.ts";
import { startTargets } from "../harness/targets/containers.ts";
import { benchScenario } from "./cli.ts";
import type { BenchContext, BenchItem } from "./item.ts";
import { summary } from "./stats.ts";

const SCENARIO = benchScenario("load-overhead.yaml");
// Many short pairs: a pair's two bursts see nearly the same machine, and the median of many pairs is not
// moved by the few that another process disturbed.
const PAIRS_PER_REPEAT = 4;

type Arm = "harness" | "standalone";

interface Sample {
  throughput: number;
  p99: number;
  requests: number;
  /** CPU time (user + system) of the load process per request, over the load only. */
  cpuUsPerRequest: number;
}

/** One burst of an arm, in a process of its own (bench/harness-load.ts or bench/standalone-load.ts). */
async function burst(arm: Arm, baseUrl: string): Promise<Sample> {
  const script = join(import.meta.dirname, `${arm}-load.ts`);
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script, baseUrl]);
  return JSON.parse(stdout) as Sample;
}

export const loadOverhead: BenchItem = {
  id: 1,
  title: "Load overhead: harness load phase vs standalone autocannon",
  async run(ctx: BenchContext) {
    const scenario = loadScenario(SCENARIO);
    const { load } = scenario;
    const targets = await startTargets(
      { docker: ctx.docker, runId: ctx.benchId, runDir: join(ctx.workDir, "load-overhead"), teardown: ctx.teardown, signal: new AbortController().signal, log: () => undefined },
      scenario.targets,
    );
    const base = targets.replicas[load.requests[0]!.target]![0]!.url; // each arm adds the path
    await burst("standalone", base); // warms the target; not counted
    const pairs: Record<Arm, Sample>[] = [];
    for (let i = 0; i < PAIRS_PER_REPEAT * ctx.repeats; i++) {
      const pair = {} as Record<Arm, Sample>;
      for (const arm of (i % 2 === 0 ? ["harness", "standalone"] : ["standalone", "harness"]) as Arm[]) {
        pair[arm] = await burst(arm, base);
      }
      pairs.push(pair);
      const { harness: h, standalone: s } = pair;
      ctx.log(`pair ${i + 1}: harness ${h.throughput} req/s (p99 ${h.p99}ms), autocannon ${s.throughput} req/s (p99 ${s.p99}ms)`);
    }
    const throughputRatios = summary(pairs.map((p) => p.harness.throughput / p.standalone.throughput));
    const p99Ratios = summary(pairs.map((p) => p.harness.p99 / p.standalone.p99));
    const cpuRatios = summary(pairs.map((p) => p.harness.cpuUsPerRequest / p.standalone.cpuUsPerRequest));
    return {
      figures: [
        {
          name: `throughput ratio (harness / autocannon), median of ${pairs.length} pairs`,
          value: throughputRatios.median,
          unit: "ratio",
          goal: { op: ">=", value: 0.95 },
          note: `the middle half of the pairs lies between ${throughputRatios.q1} and ${throughputRatios.q3} (all: ${throughputRatios.min}–${throughputRatios.max})`,
        },
        {
          name: "p99 ratio (harness / autocannon)",
          value: p99Ratios.median,
          unit: "ratio",
          note: "autocannon reports whole milliseconds (truncated), the harness microseconds",
        },
        {
          name: "CPU per request ratio (harness / autocannon)",
          value: cpuRatios.median,
          unit: "ratio",
          note: "CPU time of the load process over the load only; steadier than throughput on a shared machine",
        },
        { name: "autocannon alone: throughput", value: summary(pairs.map((p) => p.standalone.throughput)).median, unit: "req/s" },
      ],
      details: { scenario: "bench/scenarios/load-overhead.yaml", burstMs: load.durationMs, pairs, throughputRatios, p99Ratios, cpuRatios },
    };
  },
};
