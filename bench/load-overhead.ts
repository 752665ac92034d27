// Item 1. Load overhead: the harness's load phase (its autocannon engine recording every outcome, live
// statistics on) against standalone autocannon (its own command line), each in a process of its own, with
// the same connections, duration and timeout, taking turns against one target container started as a run
// starts it. Bursts are short and alternate in order, so that other work on the machine hits both alike;
// each pair gives a ratio, and the figure is their median.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadScenario } from "../harness/scenario/parse.ts";
import { startTargets } from "../harness/targets/containers.ts";
import { benchScenario } from "./cli.ts";
import type { BenchContext, BenchItem } from "./item.ts";
import { round, summary } from "./stats.ts";

const SCENARIO = benchScenario("load-overhead.yaml");
const AUTOCANNON = createRequire(import.meta.url).resolve("autocannon/autocannon.js");
const run = promisify(execFile);

interface Sample {
  throughput: number;
  p99: number;
  requests: number;
}

async function harness(baseUrl: string): Promise<Sample> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", join(import.meta.dirname, "harness-load.ts"), baseUrl]);
  return JSON.parse(stdout) as Sample;
}

async function standalone(url: string, load: { connections: number; durationMs: number; timeoutMs: number }): Promise<Sample> {
  const args = ["--json", "-c", String(load.connections), "-d", String(load.durationMs / 1_000), "-t", String(load.timeoutMs / 1_000), url];
  const { stdout } = await run(process.execPath, [AUTOCANNON, ...args], { maxBuffer: 16 * 2 ** 20 });
  const r = JSON.parse(stdout) as { "2xx": number; duration: number; latency: { p99: number }; requests: { total: number } };
  return { throughput: round(r["2xx"] / r.duration, 2), p99: r.latency.p99, requests: r.requests.total };
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
    const base = targets.replicas[load.target]![0]!.url; // the engine adds the path, as in a run
    const url = base + load.path;
    await standalone(url, { ...load, durationMs: 2_000 }); // warms the target; not counted
    type Arm = "harness" | "standalone";
    const pairs: Record<Arm, Sample>[] = [];
    for (let i = 0; i < 2 * ctx.repeats; i++) {
      const pair = {} as Record<Arm, Sample>;
      for (const arm of (i % 2 === 0 ? ["harness", "standalone"] : ["standalone", "harness"]) as Arm[]) {
        pair[arm] = arm === "harness" ? await harness(base) : await standalone(url, load);
      }
      pairs.push(pair);
      const { harness: h, standalone: s } = pair;
      ctx.log(`pair ${i + 1}: harness ${h.throughput} req/s (p99 ${h.p99}ms), autocannon ${s.throughput} req/s (p99 ${s.p99}ms)`);
    }
    const throughputRatios = summary(pairs.map((p) => p.harness.throughput / p.standalone.throughput));
    const p99Ratios = summary(pairs.map((p) => p.harness.p99 / p.standalone.p99));
    return {
      figures: [
        { name: `throughput ratio (harness / autocannon), median of ${pairs.length} pairs`, value: throughputRatios.median, unit: "ratio", goal: { op: ">=", value: 0.95 } },
        {
          name: "p99 ratio (harness / autocannon)",
          value: p99Ratios.median,
          unit: "ratio",
          note: "autocannon reports whole milliseconds (truncated), the harness microseconds",
        },
        { name: "autocannon alone: throughput", value: summary(pairs.map((p) => p.standalone.throughput)).median, unit: "req/s" },
      ],
      details: { scenario: "bench/scenarios/load-overhead.yaml", burstMs: load.durationMs, pairs, throughputRatios, p99Ratios },
    };
  },
};
