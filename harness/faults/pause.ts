import { onEachVictim } from "./fault.ts";
import { applyStep } from "./restore.ts";
import type { FaultRuntime } from "./fault.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
export const pauseRuntime: FaultRuntime = {
  inject: (ctx) =>
    onEachVictim(ctx, async (victim) => {
      const step: RestoreStep = { op: "unpause", container: victim.containerId };
      ctx.willChange(step);
      await ctx.docker.getContainer(victim.containerId).pause();
      return () => applyStep(ctx.docker, step);
    }),
};
