import { hostPid } from "../docker/replica.ts";
import { onEachVictim } from "./fault.ts";
import type { FaultRuntime } from "./fault.ts";
import { type KillProcessParams } from "../specs/faults/kill-process.ts";

export const killProcessRuntime: FaultRuntime<KillProcessParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      process.kill(await hostPid(ctx.docker, victim), p.signal);
      return undefined;
    }),
};
