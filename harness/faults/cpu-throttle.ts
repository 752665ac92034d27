import { join } from "node:path";
import { z } from "zod";
import { obj } from "../specs/fields.ts";
import { changeSetting, containerCgroups, readSetting } from "./cgroup.ts";
import { onEachVictim, type FaultKind } from "./fault.ts";

interface CpuThrottleParams {
  cpus: number;
}

// A CPU quota (CFS bandwidth control): the container gets `cpus` cores' worth of time per period, as with
// `docker update --cpus`, but written to its cgroup so that the prior quota (often -1, none) comes back.
export const cpuThrottle: FaultKind<CpuThrottleParams> = {
  kind: "cpu-throttle",
  summary: "limit the container to `cpus` cores (CFS quota) for `duration`",
  params: obj({ cpus: z.number().min(0.01).max(1024) }),
  window: "required",
  needs: ["root", "cgroup-v1"],
  describe: (p) => `throttle ${p.target} to ${p.cpus} CPU for ${p.durationMs}ms`,
  revert: () => "write back the prior CPU quota (cpu.cfs_quota_us)",
  exclusive: "CPU quota",
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const { dirs } = await containerCgroups(ctx.docker, victim);
      const periodUs = Number(readSetting(dirs.cpu, "cpu.cfs_period_us"));
      // The kernel's minimum quota is 1 ms.
      const quotaUs = Math.max(1_000, Math.round(p.cpus * periodUs));
      return changeSetting(ctx, join(dirs.cpu, "cpu.cfs_quota_us"), String(quotaUs), `the CPU quota of ${victim.containerName}`);
    }),
};
