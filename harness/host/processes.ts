// Host processes a run starts (Prometheus, Alertmanager) carry the run id in their environment, as
// containers carry it in a label: `steadystate cleanup` finds and ends them after a SIGKILL of the harness,
// and touches no other process.
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";

const RUN_ENV = "STEADYSTATE_RUN";
/** The harness process that started it: cleanup leaves the processes of a run still in progress alone. */
const RUN_PID_ENV = "STEADYSTATE_RUN_PID";

export interface HostProcess {
  pid: number;
  /** Resolves with the exit code (null after a signal) when the process ends. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL when it has not ended after `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

/** Starts `binary args` (argv, no shell) with stdout and stderr appended to `logFile`. */
export function startProcess(binary: string, args: readonly string[], runId: string, logFile: string): HostProcess {
  const fd = openSync(logFile, "a");
  const child = spawn(binary, args, { stdio: ["ignore", fd, fd], env: { ...process.env, [RUN_ENV]: runId, [RUN_PID_ENV]: String(process.pid) } });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(-1));
  });
  let ended = false;
  void exited.then(() => (ended = true));
  return {
    pid: child.pid ?? -1,
    exited,
    stop: async (graceMs) => {
      if (ended) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** PIDs of live processes started by a run (any run when `runId` is undefined). */
export function runProcesses(runId?: string): number[] {
  return hostRunProcesses(runId).map((p) => p.pid);
}

export interface RunProcess {
  pid: number;
  runId: string;
  /** The harness process of the run (absent on processes started by versions that did not record it). */
  harnessPid?: number;
}

/** Live processes started by a run (any run when `runId` is undefined). */
export function hostRunProcesses(runId?: string): RunProcess[] {
  const found: RunProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string[];
    try {
      environ = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
    } catch {
      continue; // gone, or not ours to read
    }
    const env = (name: string) => environ.find((v) => v.startsWith(`${name}=`))?.slice(name.length + 1);
    const value = env(RUN_ENV);
    if (value === undefined || (runId !== undefined && value !== runId) || Number(entry) === process.pid) continue;
    const harnessPid = env(RUN_PID_ENV);
    found.push({ pid: Number(entry), runId: value, ...(harnessPid === undefined ? {} : { harnessPid: Number(harnessPid) }) });
  }
  return found;
}
