// A graceful stop (SIGTERM, then SIGKILL after `grace`) for `duration`, then a start. The engine never
// restarts a container it was told to stop, so the harness starts it again: that is the undo.
import { graceParams, type GraceParams } from "./grace.ts";
import type { FaultKindSpec } from "./fault.ts";

export const stop: FaultKindSpec<GraceParams> = {
  kind: "stop",
  summary: "stop (SIGTERM, SIGKILL after `grace`), start again after `duration`",
  params: graceParams,
  window: "required",
  describe: (p) => `stop ${p.target} for ${p.durationMs}ms (grace ${p.graceMs}ms)`,
  revert: () => "start the container if it is not running",
  exclusive: "running state",
};
