import { int, obj } from "../fields.ts";
import type { HealActionSpec } from "./action.ts";

export interface ScaleParams {
  by: number;
  /** Most replicas the target may have (default: its replicas + by); the balancer declares that many slots. */
  max?: number;
}

export const scale: HealActionSpec<ScaleParams> = {
  action: "scale",
  summary: "add `by` replicas behind the balancer (up to `max`)",
  params: obj({ by: int(1, 10).default(1), max: int(1, 50).optional() }),
  scope: "target",
  needsBalancer: true,
  describe: (p, target) => `scale ${target} by ${p.by}${p.max ? ` (up to ${p.max})` : ""}`,
};
