import { createContainer, removeReplica } from "../targets/containers.ts";
import type { HealActionRuntime } from "./action.ts";

// Recreates the replica from its image: the old container is removed (its log and state kept), a new one
// takes the same name, port and network aliases, so load, probes, faults and the balancer follow it.
export const replace: HealActionRuntime = {
  run: async (ctx) => {
    for (const replica of ctx.replicas) {
      await removeReplica(ctx.targets, ctx.running, replica);
      replica.containerId = await createContainer(ctx.targets, ctx.running, ctx.target, replica.index, replica.hostPort, replica.volumes);
      await ctx.docker.getContainer(replica.containerId).start();
      ctx.added(replica);
    }
    return `replaced ${ctx.replicas.map((r) => r.containerName).join(", ")}`;
  },
};
