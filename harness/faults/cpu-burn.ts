import { packageFile } from "../host/package-files.ts";
import { containerCgroups } from "./cgroup.ts";
import { spawnInCgroups } from "./cgroup-helper.ts";
import { onEachVictim } from "./fault.ts";
import type { FaultRuntime } from "./fault.ts";
import type { CpuBurnParams } from "../specs/faults/cpu-burn.ts";

const BURNER = packageFile("harness", "faults", "burner.mjs");
// The burner also ends on its own a little after the window, in case nobody is left to end it.
const DEADLINE_MARGIN_MS = 5_000;

export const cpuBurnRuntime: FaultRuntime<CpuBurnParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const cg = await containerCgroups(ctx.docker, victim);
      const deadline = (p.durationMs ?? 0) + DEADLINE_MARGIN_MS;
      const burner = await spawnInCgroups(ctx, cg, process.execPath, [BURNER, String(p.cpus), String(deadline)]);
      burner.child.stdin!.write("go\n");
      return burner.stop;
    }),
};
