import { onEachVictim, type FaultKind } from "./fault.ts";
import { graceParams, graceSeconds, type GraceParams } from "./grace.ts";

// An orderly restart as an operator or an orchestrator does it (SIGTERM, SIGKILL after `grace`, start).
export const restart: FaultKind<GraceParams> = {
  kind: "restart",
  summary: "restart (SIGTERM, SIGKILL after `grace`, then start)",
  params: graceParams,
  window: "forbidden",
  describe: (p) => `restart ${p.target} (grace ${p.graceMs}ms)`,
  revert: () => "none: the container is started again as part of the fault",
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      await ctx.docker.getContainer(victim.containerId).restart({ t: graceSeconds(p) });
      return undefined;
    }),
};
