import { hostPid } from "../docker/replica.ts";
import { onEachVictim } from "./fault.ts";
import type { FaultRuntime } from "./fault.ts";


export const crashRuntime: FaultRuntime = {
  inject: (ctx) =>
    onEachVictim(ctx, async (victim) => {
      process.kill(await hostPid(ctx.docker, victim), "SIGKILL");
      return undefined;
    }),
};
