// A run folder is untrusted input, and `steadystate cleanup RUN_DIR` replays its undo log as root. So each
// logged step runs only when it is one a fault of this run could have written, for a container within the
// run's blast radius, as that container is now: a cgroup setting or OOM score of that container, a fill
// or memory file named after one of the run's injections, a helper process in its cgroups, the exact
// undo of a network change. Anything else is refused with the reason.
import { readlinkSync } from "node:fs";
import { basename, dirname, isAbsolute, normalize } from "node:path";
import type Docker from "dockerode";
import { isNotFound } from "../docker/docker.ts";
import { overlayUpperDir } from "../docker/docker-api.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
import { outsideRadius, type BlastRadius } from "./blast-radius.ts";
import { cgroupDirs, settingFiles } from "./cgroup.ts";
import { fillName } from "./disk-fill.ts";
import { faultTag } from "./fault.ts";
import { shmFile } from "./memory-hog.ts";
import { isKnownRevert } from "./netns-argv.ts";
import { isRunning } from "./restore.ts";

/**
 * Apply the step; skip it (moot: what it would restore went with the container or the process, and
 * applying it could only touch something else); or refuse it, and why.
 */
export type StepCheck = "apply" | "moot" | { refused: string };

/** The container a step names, as it is now (pid 0 when it is not running). */
interface Bound {
  info: Docker.ContainerInspectInfo;
  name: string;
  pid: number;
}

export async function checkStep(docker: Docker, radius: BlastRadius, step: RestoreStep): Promise<StepCheck> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(step.container).inspect();
  } catch (e) {
    if (isNotFound(e)) return "moot";
    throw e;
  }
  const name = info.Name.replace(/^\//, "");
  const outside = outsideRadius(info, radius);
  if (outside) return { refused: `container ${name}: ${outside}` };
  const c: Bound = { info, name, pid: info.State.Running ? info.State.Pid : 0 };
  switch (step.op) {
    case "write":
      return checkWrite(c, step.path, step.value);
    case "remove":
      return checkRemove(c, radius.runId, step.path);
    case "kill":
      return checkKill(c, step.pid, step.startTime);
    case "netns":
      return isKnownRevert(step.revert, step.check) ? "apply" : { refused: "not the undo of a change a network fault makes (its iptables rule or tbf qdisc)" };
    case "unpause":
    case "start":
    case "connect":
      // Docker's own operations on a container the run may touch.
      return "apply";
  }
}

function checkWrite(c: Bound, path: string, value: string): StepCheck {
  if (!/^-?\d+$/.test(value)) return { refused: "not a number, as every setting the faults change is" };
  // Its cgroups and processes went with it; Docker sets them again from its own record when it starts.
  if (!c.pid) return "moot";
  if (settingFiles({ container: c.info.Id, pid: c.pid, dirs: cgroupDirs(c.pid, c.name) }).includes(path)) return "apply";
  // The OOM score of a main process that ended since (the container restarted): nothing left to restore.
  if (/^\/proc\/\d+\/oom_score_adj$/.test(path)) return "moot";
  return { refused: `not the CPU quota or memory limit in the cgroups of ${c.name}, nor the OOM score of its main process` };
}

function checkRemove(c: Bound, runId: string, path: string): StepCheck {
  const refused = { refused: `not a memory file (${shmFile("<tag>", c.name)}) or fill file (${fillName("<tag>")} in the filesystem or volumes of ${c.name}) of this run` };
  if (!isAbsolute(path) || normalize(path) !== path) return refused;
  const tag = tagIn(basename(path), runId);
  if (!tag) return refused;
  if (path === shmFile(tag, c.name)) return "apply";
  if (basename(path) !== fillName(tag)) return refused;
  const dir = dirname(path);
  const roots = [...(c.info.Mounts ?? []).map((m) => m.Source).filter(Boolean), overlayUpperDir(c.info), c.pid ? `/proc/${c.pid}/root` : undefined];
  if (roots.some((root) => root && (dir === root || dir.startsWith(`${root}/`)))) return "apply";
  // A tmpfs reached through a main process that ended since: the tmpfs, and the file, went with it.
  if (/^\/proc\/\d+\/root(\/|$)/.test(dir)) return "moot";
  return refused;
}

/** The tag of one of this run's injections that a file name holds, if any. */
function tagIn(name: string, runId: string): string | undefined {
  const at = name.indexOf(`${runId}-`);
  const m = at < 0 ? null : /^(\d+)-(\d+)/.exec(name.slice(at + runId.length + 1));
  return m ? faultTag(runId, Number(m[1]), Number(m[2])) : undefined;
}

function checkKill(c: Bound, pid: number, startTime: string): StepCheck {
  // Ended already (helpers end when the harness does); the pid may be another process's by now. An ended
  // helper that nobody reaped (its parent, the harness, is gone, and the init that adopted it may not reap)
  // stays a zombie: out of every cgroup, it cannot pass the check below, and there is nothing to end.
  if (!isRunning(pid, startTime)) return "moot";
  if (c.pid && isHelperOf(pid, c)) return "apply";
  return { refused: `process ${pid} is not a helper in the cgroups of ${c.name}` };
}

/**
 * Helpers are host processes the harness moved into the container's cgroups: in the host's pid namespace
 * (the container's own processes are in its namespace) and in the container's memory cgroup.
 */
function isHelperOf(pid: number, c: Bound): boolean {
  try {
    if (pid === c.pid || readlinkSync(`/proc/${pid}/ns/pid`) !== readlinkSync("/proc/self/ns/pid")) return false;
    return cgroupDirs(pid, `process ${pid}`).memory === cgroupDirs(c.pid, c.name).memory;
  } catch {
    return false;
  }
}
