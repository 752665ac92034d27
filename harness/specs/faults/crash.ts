// SIGKILL to the container's main process through its host PID: unlike `docker kill`, this is a crash as
// the engine sees one, so the restart policy acts (as it would after an OOM kill or a segfault).
import { z } from "zod";
import { obj } from "../fields.ts";
import type { FaultKindSpec } from "./fault.ts";

export const crash: FaultKindSpec = {
  kind: "crash",
  summary: "SIGKILL the main process (restart policy applies)",
  params: obj({}) as z.ZodType<Record<string, never>>,
  window: "forbidden",
  needs: ["root"],
  instead: "kind restart or stop (Docker)",
  describe: (p) => `crash ${p.target} (SIGKILL main process)`,
  revert: () => "none: the restart policy (or the system) must heal it",
};
