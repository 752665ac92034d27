import { obj, stopGrace } from "../fields.ts";
import type { HealActionSpec } from "./action.ts";

export interface RestartParams {
  graceMs: number;
}

export const restart: HealActionSpec<RestartParams> = {
  action: "restart",
  summary: "docker restart of the failing replicas (SIGTERM, SIGKILL after `grace`, start)",
  params: obj({ grace: stopGrace(1_000) }).transform(({ grace }) => ({ graceMs: grace })),
  scope: "replicas",
  describe: (p, target) => `restart ${target} (grace ${p.graceMs}ms)`,
};
