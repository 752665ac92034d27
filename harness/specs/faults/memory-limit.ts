import { z } from "zod";
import { obj, size } from "../fields.ts";
import { formatSize } from "../../contracts/units.ts";
import type { FaultKindSpec } from "./fault.ts";

export interface MemoryLimitParams {
  limit: number;
  oom: boolean;
}

// The kernel's smallest useful limit; Docker refuses less than 6 MiB too.
const MIN_LIMIT = 6 * 1024 * 1024;

// A lower memory limit (cgroup v1 memory.limit_in_bytes). With `oom: true` the harness also makes the
// limit bite: the main process becomes the OOM killer's first choice (oom_score_adj 1000, written back on
// undo) and memory is charged to the container until the kernel kills it, as a real leak would end. The
// restart policy, if any, then heals it.
export const memoryLimit: FaultKindSpec<MemoryLimitParams> = {
  kind: "memory-limit",
  summary: "lower the memory limit to `limit` for `duration`; `oom: true` drives it into an OOM kill",
  params: obj({
    limit: size.refine((n) => n >= MIN_LIMIT, { message: `must be at least ${formatSize(MIN_LIMIT, "binary")}` }),
    oom: z.boolean().default(false),
  }),
  window: "required",
  needs: ["root", "cgroup-v1"],
  describe: (p) => `limit ${p.target} to ${formatSize(p.limit, "binary")} of memory for ${p.durationMs}ms${p.oom ? ", until OOM killed" : ""}`,
  revert: (p) => `write back the prior memory limit (memory.limit_in_bytes)${p.oom ? " and oom_score_adj; delete the charged tmpfs file" : ""}`,
  exclusive: "memory limit",
};
