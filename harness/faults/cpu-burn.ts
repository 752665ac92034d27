import { join } from "node:path";
import { z } from "zod";
import { obj } from "../specs/fields.ts";
import { containerCgroups } from "./cgroup.ts";
import { spawnInCgroups } from "./cgroup-helper.ts";
import { onEachVictim, type FaultKind } from "./fault.ts";

interface CpuBurnParams {
  cpus: number;
}

const BURNER = join(import.meta.dirname, "burner.mjs");
// The burner also ends on its own a little after the window, in case nobody is left to end it.
const DEADLINE_MARGIN_MS = 5_000;

// CPU load inside the target's cgroups (a noisy neighbour in the same container, or a runaway thread),
// without a shell in its image: a burner process started on the host and moved into the container's cgroups.
export const cpuBurn: FaultKind<CpuBurnParams> = {
  kind: "cpu-burn",
  summary: "keep `cpus` cores busy inside the container's cgroups for `duration`",
  params: obj({ cpus: z.number().positive().max(64).default(1) }),
  window: "required",
  needs: ["root", "cgroup-v1"],
  describe: (p) => `burn ${p.cpus} CPU in ${p.target} for ${p.durationMs}ms`,
  revert: () => "end the burner process",
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const cg = await containerCgroups(ctx.docker, victim);
      const deadline = (p.durationMs ?? 0) + DEADLINE_MARGIN_MS;
      const burner = await spawnInCgroups(ctx, cg, process.execPath, [BURNER, String(p.cpus), String(deadline)]);
      burner.child.stdin!.write("go\n");
      return burner.stop;
    }),
};
