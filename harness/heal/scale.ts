import type { ScaleParams } from "../specs/heal/scale.ts";
import { createReplica } from "../targets/containers.ts";
import type { HealActionRuntime } from "./action.ts";

// Adds replicas behind the balancer: each joins the network under the target's aliases, and HAProxy admits
// it once its name resolves and its health checks pass.
export const scale: HealActionRuntime<ScaleParams> = {
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
