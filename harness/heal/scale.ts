import { int, obj } from "../specs/fields.ts";
import { createReplica } from "../targets/containers.ts";
import type { HealAction } from "./action.ts";

interface ScaleParams {
  by: number;
  /** Most replicas the target may have (default: its replicas + by); the balancer declares that many slots. */
  max?: number;
}

// Adds replicas behind the balancer: each joins the network under the target's aliases, and HAProxy admits
// it once its name resolves and its health checks pass.
export const scale: HealAction<ScaleParams> = {
  action: "scale",
  summary: "add `by` replicas behind the balancer (up to `max`)",
  params: obj({ by: int(1, 10).default(1), max: int(1, 50).optional() }),
  scope: "target",
  needsBalancer: true,
  describe: (p, target) => `scale ${target} by ${p.by}${p.max ? ` (up to ${p.max})` : ""}`,
  run: async (ctx, p) => {
    const replicas = ctx.running.replicas[ctx.target.name]!;
    const room = ctx.target.maxReplicas - replicas.length;
    if (room <= 0) throw new Error(`${ctx.target.name} already has ${replicas.length} replicas (max ${ctx.target.maxReplicas})`);
    const names: string[] = [];
    for (let i = 0; i < Math.min(p.by, room); i++) {
      const replica = await createReplica(ctx.targets, ctx.running, ctx.target, replicas.length);
      replicas.push(replica);
      await ctx.docker.getContainer(replica.containerId).start();
      ctx.added(replica);
      names.push(replica.containerName);
    }
    return `added ${names.join(", ")} (${replicas.length} replicas)`;
  },
};
