// Item 6. Run overhead: wall time of `steadystate run` (process start to exit) minus the declared load
// duration, images warm (built by a first run that is not counted). The journal splits it: start-up to
// run.json, set-up to the load, teardown after it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { benchScenario, runScenarioCli } from "./cli.ts";
import type { BenchItem } from "./item.ts";
import { summary } from "./stats.ts";

const SCENARIO = benchScenario("run-overhead.yaml");

export const runOverhead: BenchItem = {
  id: 6,
  title: "Run overhead: wall time minus declared duration (warm images)",
  async run(ctx) {
    await runScenarioCli(SCENARIO, join(ctx.workDir, "overhead-warm-up"));
    const runs = [];
    for (let i = 0; i < ctx.repeats; i++) {
      const out = join(ctx.workDir, `overhead-${i}`);
      const started = Date.now();
      const { wallMs, journal: j } = await runScenarioCli(SCENARIO, out);
      const runJson = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as { startedAt: number };
      runs.push({
        overheadMs: wallMs - j.scenario.loadDurationMs,
        startupMs: runJson.startedAt - started,
        setupMs: j.loadStartedAt! - j.startedAt,
        loadMs: j.loadEndedAt! - j.loadStartedAt!,
        teardownMs: j.endedAt - j.loadEndedAt!,
      });
      ctx.log(`run #${i + 1}: ${wallMs}ms for ${j.scenario.loadDurationMs}ms of load`);
    }
    const overhead = summary(runs.map((r) => r.overheadMs / 1_000));
    return {
      figures: [
        { name: `overhead, median of ${runs.length} runs`, value: overhead.median, unit: "s", goal: { op: "<=", value: 5 } },
        { name: "  worst run", value: overhead.max, unit: "s" },
        {
          name: "  start-up (process to run.json)",
          value: summary(runs.map((r) => r.startupMs / 1_000)).median,
          unit: "s",
          note: "mostly loading the TypeScript sources through tsx and the dependencies",
        },
        { name: "  set-up (containers, health)", value: summary(runs.map((r) => r.setupMs / 1_000)).median, unit: "s" },
        { name: "  teardown (logs, removal)", value: summary(runs.map((r) => r.teardownMs / 1_000)).median, unit: "s" },
      ],
      details: { scenario: "bench/scenarios/run-overhead.yaml", runs, overheadSeconds: overhead },
    };
  },
};
