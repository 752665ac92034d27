import { onEachVictim, type FaultKind } from "./fault.ts";
import { graceParams, graceSeconds, type GraceParams } from "./grace.ts";

// A graceful stop (SIGTERM, then SIGKILL after `grace`) for `duration`, then a start. The engine never
// restarts a container it was told to stop, so the harness starts it again: that is the undo.
export const stop: FaultKind<GraceParams> = {
  kind: "stop",
  summary: "stop (SIGTERM, SIGKILL after `grace`), start again after `duration`",
  params: graceParams,
  window: "required",
  describe: (p) => `stop ${p.target} for ${p.durationMs}ms (grace ${p.graceMs}ms)`,
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const container = ctx.docker.getContainer(victim.containerId);
      await container.stop({ t: graceSeconds(p) });
      return async () => {
        const info = await container.inspect();
        if (!info.State.Running) await container.start();
      };
    }),
};
