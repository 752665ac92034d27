import { z } from "zod";
import { obj } from "../fields.ts";
import type { FaultKindSpec } from "./fault.ts";

export interface CpuBurnParams {
  cpus: number;
}

// CPU load inside the target's cgroups (a noisy neighbour in the same container, or a runaway thread),
// without a shell in its image: a burner process started on the host and moved into the container's cgroups.
export const cpuBurn: FaultKindSpec<CpuBurnParams> = {
  kind: "cpu-burn",
  summary: "keep `cpus` cores busy inside the container's cgroups for `duration`",
  params: obj({ cpus: z.number().positive().max(64).default(1) }),
  window: "required",
  needs: ["root", "cgroup-v1"],
  describe: (p) => `burn ${p.cpus} CPU in ${p.target} for ${p.durationMs}ms`,
  revert: () => "end the burner process",
};
