import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatSize } from "../contracts/units.ts";
import { changeSetting, containerCgroups, memoryLimitFile, oomScoreFile, readSetting, type ContainerCgroups } from "./cgroup.ts";
import { writeInCgroups } from "./cgroup-helper.ts";
import { onEachVictim, undoParts, type FaultContext, type Undo } from "./fault.ts";
import { shmFile } from "./memory-hog.ts";
import { applyStep } from "./restore.ts";
import type { FaultRuntime } from "./fault.ts";
import type { MemoryLimitParams } from "../specs/faults/memory-limit.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
const OOM_TIMEOUT_MS = 10_000;

export const memoryLimitRuntime: FaultRuntime<MemoryLimitParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const cg = await containerCgroups(ctx.docker, victim);
      const usage = Number(readSetting(cg.dirs.memory, "memory.usage_in_bytes"));
      if (usage >= p.limit) {
        // cgroup v1 refuses a limit below what is in use (EBUSY) rather than killing.
        throw new Error(`${victim.containerName} already uses ${formatSize(usage, "binary")}, more than the limit ${formatSize(p.limit, "binary")}: choose a limit above its usage`);
      }
      const undos: Undo[] = [];
      // Every part is undone even when another fails: the OOM score must come back with the limit.
      const undoAll = undoParts(undos);
      try {
        if (p.oom) undos.push(changeSetting(ctx, cg, oomScoreFile(cg), "1000", `the OOM score of ${victim.containerName}`));
        undos.push(changeSetting(ctx, cg, memoryLimitFile(cg), String(p.limit), `the memory limit of ${victim.containerName}`));
        if (p.oom) undos.push(await driveIntoOom(ctx, cg, victim.containerName, p.limit));
      } catch (e) {
        // The injection's failure is what gets reported; the runner replays the logged steps again and
        // reports an undo that still fails.
        await undoAll().catch(() => undefined);
        throw e;
      }
      return undoAll;
    }),
};

/** OOM kills so far in the container's memory cgroup; "infinitely many" once the cgroup is gone (it died). */
function oomKills(cg: ContainerCgroups): number {
  try {
    return Number(/oom_kill (\d+)/.exec(readFileSync(join(cg.dirs.memory, "memory.oom_control"), "utf8"))?.[1] ?? 0);
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}

/** Charges tmpfs memory to the container until the OOM killer acts; returns how to free that memory. */
async function driveIntoOom(ctx: FaultContext, cg: ContainerCgroups, name: string, limit: number): Promise<Undo> {
  const file = shmFile(ctx.tag, name);
  const step: RestoreStep = { op: "remove", container: cg.container, path: file };
  ctx.willChange(step);
  const before = oomKills(cg);
  const r = await writeInCgroups(ctx, cg, file, { bytes: limit, timeoutMs: OOM_TIMEOUT_MS, stopWhen: () => oomKills(cg) > before });
  // Free the memory at once: a restarted container must not start under the same pressure.
  await applyStep(ctx.docker, step);
  if (oomKills(cg) === before && !r.killed) throw new Error(`${name} was not OOM killed after ${formatSize(r.written, "binary")} were charged to it`);
  ctx.log(`${name} OOM killed after ${formatSize(r.written, "binary")} were charged to it`);
  return () => applyStep(ctx.docker, step);
}
