import { z } from "zod";
import { duration, obj } from "../scenario/fields.ts";
import { onEachVictim, type FaultKind } from "./fault.ts";

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
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const container = ctx.docker.getContainer(victim.containerId);
      await container.stop({ t: Math.ceil(p.graceMs / 1_000) });
      return async () => {
        // Another fault (a restart, say) may start it meanwhile: what counts is that it runs afterwards.
        const running = async () => (await container.inspect()).State.Running;
        if (await running()) return;
        await container.start().catch(async (e: Error) => {
          if (!(await running())) throw e;
        });
      };
    }),
};
