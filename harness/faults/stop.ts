import { onEachVictim, type FaultKind } from "./fault.ts";
import { graceParams, graceSeconds, type GraceParams } from "./grace.ts";
import { applyStep, type RestoreStep } from "./restore.ts";

// A graceful stop (SIGTERM, then SIGKILL after `grace`) for `duration`, then a start. The engine never
// restarts a container it was told to stop, so the harness starts it again: that is the undo.
export const stop: FaultKind<GraceParams> = {
  kind: "stop",
  summary: "stop (SIGTERM, SIGKILL after `grace`), start again after `duration`",
  params: graceParams,
  window: "required",
  describe: (p) => `stop ${p.target} for ${p.durationMs}ms (grace ${p.graceMs}ms)`,
  revert: () => "start the container if it is not running",
  exclusive: "running state",
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const step: RestoreStep = { op: "start", container: victim.containerId };
      ctx.willChange(step);
      await ctx.docker.getContainer(victim.containerId).stop({ t: graceSeconds(p) });
      return () => applyStep(ctx.docker, step);
    }),
};
