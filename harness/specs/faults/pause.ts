// Freezes every process of the container (cgroup freezer): connections stay open, nothing answers.
import { z } from "zod";
import { obj } from "../fields.ts";
import type { FaultKindSpec } from "./fault.ts";

export const pause: FaultKindSpec = {
  kind: "pause",
  summary: "freeze all processes for `duration` (cgroup freezer)",
  params: obj({}) as z.ZodType<Record<string, never>>,
  window: "required",
  describe: (p) => `pause ${p.target} for ${p.durationMs}ms`,
  revert: () => "unpause if still paused",
  exclusive: "freezer",
};
