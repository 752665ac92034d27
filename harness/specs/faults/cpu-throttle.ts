import { z } from "zod";
import { obj } from "../fields.ts";
import type { FaultKindSpec } from "./fault.ts";

export interface CpuThrottleParams {
  cpus: number;
}

// A CPU quota (CFS bandwidth control): the container gets `cpus` cores' worth of time per period, as with
// `docker update --cpus`, but written to its cgroup so that the prior quota (often -1, none) comes back.
export const cpuThrottle: FaultKindSpec<CpuThrottleParams> = {
  kind: "cpu-throttle",
  summary: "limit the container to `cpus` cores (CFS quota) for `duration`",
  params: obj({ cpus: z.number().min(0.01).max(1024) }),
  window: "required",
  needs: ["root", "cgroup-v1"],
  describe: (p) => `throttle ${p.target} to ${p.cpus} CPU for ${p.durationMs}ms`,
  revert: () => "write back the prior CPU quota (cpu.cfs_quota_us)",
  exclusive: "CPU quota",
};
