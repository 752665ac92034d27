import { z } from "zod";
import { obj } from "../specs/fields.ts";
import { onEachVictim, type FaultKind } from "./fault.ts";
import { applyStep, type RestoreStep } from "./restore.ts";

// Freezes every process of the container (cgroup freezer): connections stay open, nothing answers.
export const pause: FaultKind = {
  kind: "pause",
  summary: "freeze all processes for `duration` (cgroup freezer)",
  params: obj({}) as z.ZodType<Record<string, never>>,
  window: "required",
  describe: (p) => `pause ${p.target} for ${p.durationMs}ms`,
  revert: () => "unpause if still paused",
  exclusive: "freezer",
  inject: (ctx) =>
    onEachVictim(ctx, async (victim) => {
      const step: RestoreStep = { op: "unpause", container: victim.containerId };
      ctx.willChange(step);
      await ctx.docker.getContainer(victim.containerId).pause();
      return () => applyStep(ctx.docker, step);
    }),
};
