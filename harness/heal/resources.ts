import { z } from "zod";
import { obj, size } from "../specs/fields.ts";
import { formatSize } from "../contracts/units.ts";
import type { HealAction } from "./action.ts";

interface ResourcesParams {
  memory?: number;
  cpus?: number;
}

// Raises the replicas' limits in place (`docker update`, ~20 ms). Swap is left unlimited so that a memory
// limit is never refused for being above an older swap limit.
export const resources: HealAction<ResourcesParams> = {
  action: "resources",
  summary: "raise the replicas' CPU and memory limits in place (docker update)",
  params: obj({ memory: size.optional(), cpus: z.number().positive().max(256).optional() }).refine(
    (p) => p.memory !== undefined || p.cpus !== undefined,
    { message: "give memory (e.g. 512MiB) and/or cpus (e.g. 1.5)" },
  ),
  scope: "target",
  describe: (p, target) =>
    `set ${target} limits to ${[p.memory !== undefined ? `memory ${formatSize(p.memory, "binary")}` : "", p.cpus !== undefined ? `${p.cpus} CPUs` : ""].filter(Boolean).join(", ")}`,
  run: async (ctx, p) => {
    const update = {
      ...(p.memory !== undefined ? { Memory: p.memory, MemorySwap: -1 } : {}),
      ...(p.cpus !== undefined ? { NanoCpus: Math.round(p.cpus * 1e9) } : {}),
    };
    await Promise.all(ctx.replicas.map((r) => ctx.docker.getContainer(r.containerId).update(update)));
    return `updated limits of ${ctx.replicas.map((r) => r.containerName).join(", ")}`;
  },
};
