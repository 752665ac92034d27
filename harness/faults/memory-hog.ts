import { join } from "node:path";
import { formatSize } from "../contracts/units.ts";
import { containerCgroups } from "./cgroup.ts";
import { writeInCgroups } from "./cgroup-helper.ts";
import { onEachVictim } from "./fault.ts";
import { applyStep } from "./restore.ts";
import type { FaultRuntime } from "./fault.ts";
import type { MemoryHogParams } from "../specs/faults/memory-hog.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
/** Host tmpfs where charged memory lives: its pages belong to the cgroup of whoever wrote them. */
export const SHM_DIR = "/dev/shm";
const WRITE_TIMEOUT_MS = 30_000;

/** The memory file of one injection (its tag) for one container (by name). */
export function shmFile(tag: string, containerName: string): string {
  return join(SHM_DIR, `steadystate-${tag}-${containerName}`);
}

export const memoryHogRuntime: FaultRuntime<MemoryHogParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const cg = await containerCgroups(ctx.docker, victim);
      const file = shmFile(ctx.tag, victim.containerName);
      const step: RestoreStep = { op: "remove", container: victim.containerId, path: file };
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
