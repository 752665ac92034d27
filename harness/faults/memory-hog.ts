import { join } from "node:path";
import { obj, size } from "../specs/fields.ts";
import { formatSize } from "../contracts/units.ts";
import { containerCgroups } from "./cgroup.ts";
import { writeInCgroups } from "./cgroup-helper.ts";
import { onEachVictim, type FaultContext, type FaultKind } from "./fault.ts";
import { applyStep, type RestoreStep } from "./restore.ts";

interface MemoryHogParams {
  size: number;
}

/** Host tmpfs where charged memory lives: its pages belong to the cgroup of whoever wrote them. */
export const SHM_DIR = "/dev/shm";
const WRITE_TIMEOUT_MS = 30_000;

export function shmFile(ctx: FaultContext, containerName: string): string {
  return join(SHM_DIR, `steadystate-${ctx.tag}-${containerName}`);
}

// Memory taken inside the target's memory cgroup, without a shell in its image: `dd` running in the
// container's cgroups writes `size` bytes to a file on the host's tmpfs, so those pages are charged to the
// container (its usage, `docker stats`, its limit) and stay so until the file is deleted. No process holds
// the memory, so the OOM killer never picks the hog itself; with a limit, the container's processes feel it.
export const memoryHog: FaultKind<MemoryHogParams> = {
  kind: "memory-hog",
  summary: "charge `size` bytes of memory to the container's cgroup for `duration`",
  params: obj({ size: size.refine((n) => n > 0, { message: "must be more than 0 bytes" }) }),
  window: "required",
  needs: ["root", "cgroup-v1"],
  describe: (p) => `hog ${formatSize(p.size, "binary")} of memory in ${p.target} for ${p.durationMs}ms`,
  revert: () => "delete the charged tmpfs file (frees the memory)",
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const cg = await containerCgroups(ctx.docker, victim);
      const file = shmFile(ctx, victim.containerName);
      const step: RestoreStep = { op: "remove", path: file };
      ctx.willChange(step);
      const undo = () => applyStep(ctx.docker, step);
      try {
        const r = await writeInCgroups(ctx, cg, file, { bytes: p.size, timeoutMs: WRITE_TIMEOUT_MS });
        if (r.full) throw new Error(`${SHM_DIR} on the host is full after ${formatSize(r.written, "binary")}`);
        if (r.killed) ctx.log(`${victim.containerName} reached its memory limit after ${formatSize(r.written, "binary")}: the OOM killer acted`);
      } catch (e) {
        await undo();
        throw e;
      }
      return undo;
    }),
};
