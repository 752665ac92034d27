// Item 3. Measurement accuracy against ground truth: the api fixture makes outages of its own and logs the
// moment it stops serving and the moment it serves again (epoch ms, same clock as the harness). For each
// fault (the marker of an outage), the harness's MTTR is compared with (up − injected) and its impact
// with (up − down).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadScenario } from "../harness/scenario/parse.ts";
import { benchScenario, runScenarioCli } from "./cli.ts";
import type { BenchItem } from "./item.ts";
import { summary } from "./stats.ts";

const SCENARIO = benchScenario("accuracy.yaml");

interface Truth {
  kind: "up" | "down";
  at: number;
}

/** The fixture's own `state: up|down at <epoch ms>` lines, in order. */
export function readStateLog(text: string): Truth[] {
  return [...text.matchAll(/state: (up|down) at (\d+)/g)].map((m) => ({ kind: m[1] as Truth["kind"], at: Number(m[2]) }));
}

export const accuracy: BenchItem = {
  id: 3,
  title: "Measurement accuracy against ground truth (MTTR, impact)",
  async run(ctx) {
    const probeEveryMs = Math.min(...loadScenario(SCENARIO).probes.map((p) => p.everyMs));
    const goalMs = Math.max(20, probeEveryMs);
    const faults: Record<string, number>[] = [];
    for (let i = 0; i < ctx.repeats; i++) {
      const out = join(ctx.workDir, `accuracy-${i}`);
      const { journal } = await runScenarioCli(SCENARIO, out);
      const truth = readStateLog(readFileSync(join(out, journal.targets.api!.replicas[0]!.log), "utf8"));
      for (const f of journal.faults) {
        const down = truth.find((t) => t.kind === "down" && t.at >= f.injectedAt!);
        const up = down && truth.find((t) => t.kind === "up" && t.at > down.at);
        if (!down || !up || f.recoveredAt === null || f.impactStartAt === null) {
          throw new Error(`${f.description}: no ground truth or no measurement (down ${down?.at}, up ${up?.at}, recovered ${f.recoveredAt})`);
        }
        // A freeze overlapping the outage would delay the api's own timestamps: such a repeat is not valid.
        if (f.restoredAt! >= down.at) throw new Error(`${f.description} was undone ${f.restoredAt! - down.at}ms after the outage began: the machine is too busy`);
        const row = {
          injectedAt: f.injectedAt!,
          downAt: down.at,
          upAt: up.at,
          impactStartAt: f.impactStartAt,
          recoveredAt: f.recoveredAt,
          trueMttrMs: up.at - f.injectedAt!,
          mttrMs: f.mttrMs!,
          trueImpactMs: up.at - down.at,
          impactMs: f.impactMs!,
        };
        faults.push({ ...row, mttrErrorMs: Math.abs(row.mttrMs - row.trueMttrMs), impactErrorMs: Math.abs(row.impactMs - row.trueImpactMs) });
        ctx.log(`${f.description}: MTTR ${row.mttrMs}ms (truth ${row.trueMttrMs}ms), impact ${row.impactMs}ms (truth ${row.trueImpactMs}ms)`);
      }
    }
    const mttr = summary(faults.map((f) => f.mttrErrorMs!));
    const impact = summary(faults.map((f) => f.impactErrorMs!));
    const goal = { op: "<=" as const, value: goalMs };
    return {
      figures: [
        { name: `MTTR error, worst of ${faults.length} faults`, value: mttr.max, unit: "ms", goal, note: `goal: max(20 ms, probe interval ${probeEveryMs} ms)` },
        { name: `impact error, worst of ${faults.length} faults`, value: impact.max, unit: "ms", goal },
        { name: "MTTR error, median", value: mttr.median, unit: "ms" },
      ],
      details: { scenario: "bench/scenarios/accuracy.yaml", goal: `max(20ms, probe interval ${probeEveryMs}ms)`, faults, mttrErrorMs: mttr, impactErrorMs: impact },
    };
  },
};
