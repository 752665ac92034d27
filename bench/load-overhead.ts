// Item 1. Load overhead: a harness run (recording every outcome, live progress ticker, no faults) against
// standalone autocannon (its own command line) with the same connections, duration and timeout, against
// a target set up the same way (the harness's own startTargets: same image, network and loopback port).
// Each repeat runs both, in alternating order, so drift on a shared machine hits both alike.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadScenario } from "../harness/scenario/parse.ts";
import { startTargets } from "../harness/targets/containers.ts";
import { benchScenario, runScenarioCli } from "./cli.ts";
import type { BenchContext, BenchItem } from "./item.ts";
import { round, summary } from "./stats.ts";

const SCENARIO = benchScenario("load-overhead.yaml");
const AUTOCANNON = createRequire(import.meta.url).resolve("autocannon/autocannon.js");

interface Sample {
  throughput: number;
  p99: number;
  requests: number;
}

async function harnessRun(ctx: BenchContext, i: number): Promise<Sample> {
  const { journal } = await runScenarioCli(SCENARIO, join(ctx.workDir, `load-harness-${i}`));
  const m = journal.metrics;
  return { throughput: m.throughput!, p99: m.latencyMs.p99!, requests: m.requests.total };
}

async function standaloneRun(ctx: BenchContext, i: number): Promise<Sample> {
  const scenario = loadScenario(SCENARIO);
  const { teardown } = ctx;
  try {
    const targets = await startTargets(
      { docker: ctx.docker, runId: `${ctx.benchId}-a${i}`, runDir: join(ctx.workDir, `load-autocannon-${i}`), teardown, signal: new AbortController().signal, log: () => undefined },
      scenario.targets,
    );
    const { load } = scenario;
    const { stdout } = await promisify(execFile)(process.execPath, [
      AUTOCANNON,
      "--json",
      "-c", String(load.connections),
      "-d", String(load.durationMs / 1_000),
      "-t", String(load.timeoutMs / 1_000),
      targets.replicas[load.target]![0]!.url + load.path,
    ], { maxBuffer: 16 * 2 ** 20 });
    const r = JSON.parse(stdout) as { "2xx": number; duration: number; latency: { p99: number }; requests: { total: number } };
    return { throughput: round(r["2xx"] / r.duration, 2), p99: r.latency.p99, requests: r.requests.total };
  } finally {
    // Removed before the next harness run, so the two never share the machine.
    await teardown.unwind();
  }
}

export const loadOverhead: BenchItem = {
  id: 1,
  title: "Load overhead: harness run vs standalone autocannon",
  async run(ctx) {
    const harness: Sample[] = [];
    const standalone: Sample[] = [];
    for (let i = 0; i < ctx.repeats; i++) {
      const order = i % 2 === 0 ? ["harness", "standalone"] : ["standalone", "harness"];
      for (const which of order) {
        const s = which === "harness" ? await harnessRun(ctx, i) : await standaloneRun(ctx, i);
        (which === "harness" ? harness : standalone).push(s);
        ctx.log(`${which} #${i + 1}: ${s.throughput} req/s, p99 ${s.p99}ms`);
      }
    }
    // Ratios of each repeat's pair, then their median: the pair shares the machine's state at that time.
    const throughputRatios = harness.map((h, i) => h.throughput / standalone[i]!.throughput);
    const p99Ratios = harness.map((h, i) => h.p99 / standalone[i]!.p99);
    const tr = summary(throughputRatios);
    const pr = summary(p99Ratios);
    return {
      figures: [
        { name: "throughput ratio (harness / autocannon)", value: tr.median, unit: "ratio", goal: { op: ">=", value: 0.95 } },
        { name: "p99 ratio (harness / autocannon)", value: pr.median, unit: "ratio" },
        { name: "autocannon alone: throughput", value: summary(standalone.map((s) => s.throughput)).median, unit: "req/s" },
      ],
      details: { scenario: "bench/scenarios/load-overhead.yaml", repeats: ctx.repeats, harness, standalone, throughputRatios: tr, p99Ratios: pr },
    };
  },
};
