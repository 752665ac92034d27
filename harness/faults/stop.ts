import { onEachVictim } from "./fault.ts";
import { graceSeconds, type GraceParams } from "../specs/faults/grace.ts";
import { applyStep } from "./restore.ts";
import type { FaultRuntime } from "./fault.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
export const stopRuntime: FaultRuntime<GraceParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const step: RestoreStep = { op: "start", container: victim.containerId };
      ctx.willChange(step);
      await ctx.docker.getContainer(victim.containerId).stop({ t: graceSeconds(p) });
      return () => applyStep(ctx.docker, step);
    }),
};
