// A container's cgroup v1 directories, read from its main process (/proc/PID/cgroup), and the one way the
// resource faults change a setting there: read the prior value, log its restore step, then write. Docker's
// own record (HostConfig) stays untouched, and writing the prior value back restores exactly, which
// `docker update` cannot do (it refuses "no limit" and takes 0 for "unchanged").
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { InfraError } from "../contracts/errors.ts";
import { hostPid, type Replica } from "../docker/replica.ts";
import type { FaultContext, Undo } from "./fault.ts";
import { applyStep } from "./restore.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
export const CGROUP_ROOT = "/sys/fs/cgroup";

/** Controllers a helper process joins so that the container is charged for its CPU and memory. */
export const HELPER_CONTROLLERS = ["cpu", "cpuacct", "memory"] as const;
type Controller = (typeof HELPER_CONTROLLERS)[number];

export interface ContainerCgroups {
  /** The container's full id: what its restore steps are bound to. */
  container: string;
  /** Host PID of the container's main process when read. */
  pid: number;
  dirs: Record<Controller, string>;
}

export async function containerCgroups(docker: Docker, victim: Replica): Promise<ContainerCgroups> {
  const pid = await hostPid(docker, victim);
  return { container: victim.containerId, pid, dirs: cgroupDirs(pid, victim.containerName) };
}

/** The cgroup v1 directories of a process (`name` says whose, in the error when they are not mounted). */
export function cgroupDirs(pid: number, name: string): Record<Controller, string> {
  const dirs: Partial<Record<Controller, string>> = {};
  // Lines look like "4:memory:/docker/<id>" or "1:cpu,cpuacct:/docker/<id>" (cgroup v1).
  for (const line of readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n")) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    for (const c of controllers?.split(",") ?? []) {
      if ((HELPER_CONTROLLERS as readonly string[]).includes(c)) dirs[c as Controller] = join(CGROUP_ROOT, c, path!);
    }
  }
  const missing = HELPER_CONTROLLERS.filter((c) => !dirs[c] || !existsSync(dirs[c]!));
  if (missing.length) {
    throw new InfraError(
      `the cgroup v1 ${missing.join(", ")} controller(s) of ${name} are not mounted under ${CGROUP_ROOT}`,
      "resource faults need cgroup v1 (cgroupfs driver) on the Docker host",
    );
  }
  return dirs as Record<Controller, string>;
}

// The files the resource faults change, one function each: the faults write them and a replayed undo log
// may write only them (restore-check.ts).
export const cpuQuotaFile = (cg: ContainerCgroups) => join(cg.dirs.cpu, "cpu.cfs_quota_us");
export const memoryLimitFile = (cg: ContainerCgroups) => join(cg.dirs.memory, "memory.limit_in_bytes");
export const oomScoreFile = (cg: ContainerCgroups) => `/proc/${cg.pid}/oom_score_adj`;
export const settingFiles = (cg: ContainerCgroups) => [cpuQuotaFile(cg), memoryLimitFile(cg), oomScoreFile(cg)];

export function readSetting(dir: string, file: string): string {
  return readFileSync(join(dir, file), "utf8").trim();
}

/**
 * Sets a cgroup (or /proc) file to `value` after logging how to write its prior value back; the returned
 * undo does exactly that. A write the kernel refuses is reported with the setting's name.
 */
export function changeSetting(ctx: FaultContext, cg: ContainerCgroups, path: string, value: string, what: string): Undo {
  const prior = readFileSync(path, "utf8").trim();
  const step: RestoreStep = { op: "write", container: cg.container, path, value: prior };
  ctx.willChange(step);
  try {
    writeFileSync(path, value);
  } catch (e) {
    throw new Error(`could not set ${what} to ${value} (${path}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  ctx.log(`set ${what} to ${value} (was ${prior})`);
  return () => applyStep(ctx.docker, step);
}
