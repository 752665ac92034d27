import { onEachVictim } from "./fault.ts";
import { graceSeconds, type GraceParams } from "../specs/faults/grace.ts";
import type { FaultRuntime } from "./fault.ts";


export const restartRuntime: FaultRuntime<GraceParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      await ctx.docker.getContainer(victim.containerId).restart({ t: graceSeconds(p) });
      return undefined;
    }),
};
