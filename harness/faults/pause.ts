import { onEachVictim } from "./fault.ts";
import { applyStep, type RestoreStep } from "./restore.ts";
import type { FaultRuntime } from "./fault.ts";


export const pauseRuntime: FaultRuntime = {
  inject: (ctx) =>
    onEachVictim(ctx, async (victim) => {
      const step: RestoreStep = { op: "unpause", container: victim.containerId };
      ctx.willChange(step);
      await ctx.docker.getContainer(victim.containerId).pause();
      return () => applyStep(ctx.docker, step);
    }),
};
