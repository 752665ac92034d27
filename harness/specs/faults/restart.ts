// An orderly restart as an operator or an orchestrator does it (SIGTERM, SIGKILL after `grace`, start).
import { graceParams, type GraceParams } from "./grace.ts";
import type { FaultKindSpec } from "./fault.ts";

export const restart: FaultKindSpec<GraceParams> = {
  kind: "restart",
  summary: "restart (SIGTERM, SIGKILL after `grace`, then start)",
  params: graceParams,
  window: "forbidden",
  describe: (p) => `restart ${p.target} (grace ${p.graceMs}ms)`,
  revert: () => "none: the container is started again as part of the fault",
};
