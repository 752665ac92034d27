import type { ResourcesParams } from "../specs/heal/resources.ts";
import type { HealActionRuntime } from "./action.ts";

// Raises the replicas' limits in place (`docker update`, ~20 ms). Swap is left unlimited so that a memory
// limit is never refused for being above an older swap limit.
export const resources: HealActionRuntime<ResourcesParams> = {
  run: async (ctx, p) => {
    const update = {
      ...(p.memory !== undefined ? { Memory: p.memory, MemorySwap: -1 } : {}),
      ...(p.cpus !== undefined ? { NanoCpus: Math.round(p.cpus * 1e9) } : {}),
    };
    await Promise.all(ctx.replicas.map((r) => ctx.docker.getContainer(r.containerId).update(update)));
    return `updated limits of ${ctx.replicas.map((r) => r.containerName).join(", ")}`;
  },
};
