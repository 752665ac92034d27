import { z } from "zod";
import { duration, obj } from "../scenario/fields.ts";
import { onEachVictim, type FaultKind } from "./fault.ts";

interface RestartParams {
  graceMs: number;
}

// An orderly restart as an operator or an orchestrator does it (SIGTERM, SIGKILL after `grace`, start).
export const restart: FaultKind<RestartParams> = {
  kind: "restart",
  summary: "restart (SIGTERM, SIGKILL after `grace`, then start)",
  params: obj({ grace: duration.default(5_000) }).transform(({ grace }) => ({ graceMs: grace })),
  window: "forbidden",
  describe: (p) => `restart ${p.target} (grace ${p.graceMs}ms)`,
  revert: () => "none: the container is started again as part of the fault",
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      await ctx.docker.getContainer(victim.containerId).restart({ t: Math.ceil(p.graceMs / 1_000) });
      return undefined;
    }),
};
