// Helper processes that work inside a container's cgroups without a shell (or anything) in its image: the
// harness starts them on the host, logs how to end them, moves them into the container's cpu, cpuacct and
// memory cgroups (cgroup.procs), and only then lets them work, so the container is charged for all of it
// (`docker stats` counts it). Helpers read their orders on stdin and end when it closes, so they do not
// outlive a killed harness.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sleep } from "../contracts/time.ts";
import { HELPER_CONTROLLERS, type ContainerCgroups } from "./cgroup.ts";
import type { FaultContext, Undo } from "./fault.ts";
import { applyStep, processStartTime } from "./restore.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
const REAP_WAIT_MS = 2_000;

export interface Helper {
  child: ChildProcess;
  /** Ends the helper (SIGKILL) and waits until it is gone. */
  stop: Undo;
  exited: Promise<{ code: number | null; stderr: string }>;
}

/** `stdout`: an open file the helper writes to (the parent's copy stays open: its owner closes it). */
export async function spawnInCgroups(ctx: FaultContext, cg: ContainerCgroups, command: string, args: string[], stdout?: number): Promise<Helper> {
  const child = spawn(command, args, { stdio: ["pipe", stdout ?? "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  child.stdin!.on("error", () => undefined); // EPIPE when the helper ends first: its exit says why
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stderr: stderr.trim() })));
  const spawned = await new Promise<number>((resolve, reject) => {
    child.once("spawn", () => resolve(child.pid!));
    child.once("error", (e) => reject(new Error(`could not start ${command}: ${e.message}`)));
  });
  const startTime = processStartTime(spawned);
  if (startTime === undefined) throw new Error(`${command} ended at once: ${(await exited).stderr}`);
  const step: RestoreStep = { op: "kill", container: cg.container, pid: spawned, startTime };
  ctx.willChange(step);
  // Undone only once the helper is reaped: until then the kernel still lists it in the cgroup's processes.
  const stop = async () => {
    await applyStep(ctx.docker, step);
    await Promise.race([exited, sleep(REAP_WAIT_MS)]);
  };
  try {
    for (const c of HELPER_CONTROLLERS) writeFileSync(join(cg.dirs[c], "cgroup.procs"), String(spawned));
  } catch (e) {
    await stop();
    throw new Error(`could not move ${command} into the container's cgroups: ${(e as Error).message}`);
  }
  return { child, stop, exited };
}

const CHUNK = Buffer.alloc(1 << 20);

export interface WriteResult {
  written: number;
  /** The filesystem was full (ENOSPC) before `bytes` were written. */
  full: boolean;
  /** `stopWhen` ended the writing. */
  stopped: boolean;
  /** The writer was killed (by the OOM killer, when the container's memory limit is reached). */
  killed: boolean;
}

/**
 * Writes `bytes` zeros to `file` through `dd` running in the container's cgroups: memory (tmpfs pages,
 * page cache) is charged to the container, as if it had written the file itself. Bounded by `timeoutMs`;
 * `stopWhen` is polled every 10 ms and ends the writing at once. With `fd`, dd writes to that file, already
 * open (created where it was checked to be), and `file` only names it in messages.
 */
export async function writeInCgroups(
  ctx: FaultContext,
  cg: ContainerCgroups,
  file: string,
  opts: { bytes: number; timeoutMs: number; stopWhen?: () => boolean; fd?: number },
): Promise<WriteResult> {
  const args = ["bs=1M", "iflag=fullblock", "status=none"];
  const dd = await spawnInCgroups(ctx, cg, "dd", opts.fd === undefined ? [`of=${file}`, ...args] : args, opts.fd);
  let written = 0;
  let stopped = false;
  let ended = false;
  const deadline = Date.now() + opts.timeoutMs;
  const watch = setInterval(() => {
    if (opts.stopWhen?.() || Date.now() > deadline) {
      stopped = opts.stopWhen?.() ?? false;
      ended = true;
      void dd.stop();
    }
  }, 10);
  // `exited` only ever resolves (on close), so nothing here can reject.
  void dd.exited.then(() => (ended = true));
  try {
    while (!ended && written < opts.bytes) {
      const n = Math.min(CHUNK.length, opts.bytes - written);
      const more = dd.child.stdin!.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
      written += n;
      if (!more) await new Promise<void>((resolve) => {
        dd.child.stdin!.once("drain", resolve);
        void dd.exited.then(() => resolve()); // resolves only, as above
      });
    }
    dd.child.stdin!.end();
    const result = await Promise.race([dd.exited, sleep(Math.max(0, deadline - Date.now())).then(() => undefined)]);
    if (!result) {
      await dd.stop();
      throw new Error(`writing ${file} did not finish within ${opts.timeoutMs}ms`);
    }
    const full = /No space left on device/.test(result.stderr);
    const killed = result.code === null && !stopped;
    if (result.code !== 0 && !full && !stopped && !killed) throw new Error(`dd ${file} failed: ${result.stderr || `exit ${result.code}`}`);
    return { written, full, stopped, killed };
  } finally {
    clearInterval(watch);
  }
}
