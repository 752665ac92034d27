import { z } from "zod";
import { duration, obj } from "../scenario/fields.ts";
import { onEachVictim, type FaultKind } from "./fault.ts";
import { applyStep, type RestoreStep } from "./restore.ts";

interface StopParams {
  graceMs: number;
}

// A graceful stop (SIGTERM, then SIGKILL after `grace`) for `duration`, then a start. The engine never
// restarts a container it was told to stop, so the harness starts it again: that is the undo.
export const stop: FaultKind<StopParams> = {
  kind: "stop",
  summary: "stop (SIGTERM, SIGKILL after `grace`), start again after `duration`",
  params: obj({ grace: duration.default(5_000) }).transform(({ grace }) => ({ graceMs: grace })),
  window: "required",
  describe: (p) => `stop ${p.target} for ${p.durationMs}ms (grace ${p.graceMs}ms)`,
  revert: () => "start the container if it is not running",
  exclusive: "running state",
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const step: RestoreStep = { op: "start", container: victim.containerId };
      ctx.willChange(step);
      await ctx.docker.getContainer(victim.containerId).stop({ t: Math.ceil(p.graceMs / 1_000) });
      return () => applyStep(ctx.docker, step);
    }),
};
