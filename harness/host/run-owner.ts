// Which harness process a run lives in: its pid is on everything the run creates (the steadystate.pid
// label, STEADYSTATE_RUN_PID in the environment of host processes, run.json), so that cleanup can leave
// alone a run that is still in progress on the same host.
import { readFileSync } from "node:fs";

/**
 * Whether `pid` is a steadystate process still alive (and not this one). Its command line must name
 * steadystate: after a SIGKILL the pid may be reused by an unrelated process, which says nothing of the run.
 */
export function isHarnessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("steadystate");
  } catch {
    return false; // gone
  }
}
