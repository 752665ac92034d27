import { z } from "zod";
import { formatSize } from "../../contracts/units.ts";
import { obj, size } from "../fields.ts";
import type { HealActionSpec } from "./action.ts";

export interface ResourcesParams {
  memory?: number;
  cpus?: number;
}

export const resources: HealActionSpec<ResourcesParams> = {
  action: "resources",
  summary: "raise the replicas' CPU and memory limits in place (docker update)",
  params: obj({ memory: size.optional(), cpus: z.number().positive().max(256).optional() }).refine(
    (p) => p.memory !== undefined || p.cpus !== undefined,
    { message: "give memory (e.g. 512MiB) and/or cpus (e.g. 1.5)" },
  ),
  scope: "target",
  describe: (p, target) =>
    `set ${target} limits to ${[p.memory !== undefined ? `memory ${formatSize(p.memory, "binary")}` : "", p.cpus !== undefined ? `${p.cpus} CPUs` : ""].filter(Boolean).join(", ")}`,
};
