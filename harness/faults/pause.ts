import { z } from "zod";
import { obj } from "../scenario/fields.ts";
import { onEachVictim, type FaultKind } from "./fault.ts";

// Freezes every process of the container (cgroup freezer): connections stay open, nothing answers.
export const pause: FaultKind = {
  kind: "pause",
  summary: "freeze all processes for `duration` (cgroup freezer)",
  params: obj({}) as z.ZodType<Record<string, never>>,
  window: "required",
  describe: (p) => `pause ${p.target} for ${p.durationMs}ms`,
  inject: (ctx) =>
    onEachVictim(ctx, async (victim) => {
      const container = ctx.docker.getContainer(victim.containerId);
      await container.pause();
      return async () => {
        // Another fault may unpause it meanwhile: what counts is that it is not paused afterwards.
        const paused = async () => (await container.inspect()).State.Paused;
        if (!(await paused())) return;
        await container.unpause().catch(async (e: Error) => {
          if (await paused()) throw e;
        });
      };
    }),
};
