import { changeSetting, containerCgroups, cpuQuotaFile, readSetting } from "./cgroup.ts";
import { onEachVictim } from "./fault.ts";
import type { FaultRuntime } from "./fault.ts";
import type { CpuThrottleParams } from "../specs/faults/cpu-throttle.ts";

export const cpuThrottleRuntime: FaultRuntime<CpuThrottleParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const cg = await containerCgroups(ctx.docker, victim);
      const periodUs = Number(readSetting(cg.dirs.cpu, "cpu.cfs_period_us"));
      // The kernel's minimum quota is 1 ms.
      const quotaUs = Math.max(1_000, Math.round(p.cpus * periodUs));
      return changeSetting(ctx, cg, cpuQuotaFile(cg), String(quotaUs), `the CPU quota of ${victim.containerName}`);
    }),
};
