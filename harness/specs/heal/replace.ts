import type { z } from "zod";
import { obj } from "../fields.ts";
import type { HealActionSpec } from "./action.ts";

export const replace: HealActionSpec = {
  action: "replace",
  summary: "remove the failing replica and start a new container from its image, same name and aliases",
  params: obj({}) as z.ZodType<Record<string, never>>,
  scope: "replicas",
  describe: (_p, target) => `replace ${target} (new container from its image)`,
};
