import { obj, size } from "../fields.ts";
import { formatSize } from "../../contracts/units.ts";
import type { FaultKindSpec } from "./fault.ts";

export interface MemoryHogParams {
  size: number;
}

// Memory taken inside the target's memory cgroup, without a shell in its image: `dd` running in the
// container's cgroups writes `size` bytes to a file on the host's tmpfs, so those pages are charged to the
// container (its usage, `docker stats`, its limit) and stay so until the file is deleted. No process holds
// the memory, so the OOM killer never picks the hog itself; with a limit, the container's processes feel it.
export const memoryHog: FaultKindSpec<MemoryHogParams> = {
  kind: "memory-hog",
  summary: "charge `size` bytes of memory to the container's cgroup for `duration`",
  params: obj({ size: size.refine((n) => n > 0, { message: "must be more than 0 bytes" }) }),
  window: "required",
  needs: ["root", "cgroup-v1"],
  describe: (p) => `hog ${formatSize(p.size, "binary")} of memory in ${p.target} for ${p.durationMs}ms`,
  revert: () => "delete the charged tmpfs file (frees the memory)",
};
