// Restore steps: the undo of a fault as plain data, so that it can be written to the run folder's undo log
// before the change is made and replayed by `steadystate cleanup` after a SIGKILL. Every step is idempotent
// and tolerant of a world that moved on (a container that restarted, a process that already ended):
// replaying a step whose change never happened, or was already undone, does no harm.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import type Docker from "dockerode";
import { isNotFound } from "../docker/docker.ts";
import { sleep } from "../contracts/time.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
import { inNetnsOfPid, isPresent } from "./netns.ts";

const KILL_WAIT_MS = 2_000;

export async function applyStep(docker: Docker, step: RestoreStep): Promise<void> {
  switch (step.op) {
    case "write":
      try {
        writeFileSync(step.path, step.value);
      } catch (e) {
        // ENOENT: the cgroup or process is gone (the container stopped; Docker recreates it from its own
        // record). ESRCH: the process ended while writing.
        if (!["ENOENT", "ESRCH"].includes((e as NodeJS.ErrnoException).code ?? "")) throw e;
      }
      return;
    case "remove":
      rmSync(step.path, { force: true });
      return;
    case "kill":
      await killHelper(step.pid, step.startTime);
      return;
    case "unpause":
    case "start":
      try {
        const container = docker.getContainer(step.container);
        // Another fault (a restart, an earlier undo) may get there first: what counts is the state reached.
        const done = async () => {
          const { State } = await container.inspect();
          return step.op === "unpause" ? !State.Paused : State.Running || State.Restarting;
        };
        if (await done()) return;
        await (step.op === "unpause" ? container.unpause() : container.start()).catch(async (e: Error) => {
          if (!(await done())) throw e;
        });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    case "connect":
      try {
        const container = docker.getContainer(step.container);
        // Never disconnected (the log is written first), or already connected again by another undo.
        const connected = async () => (await container.inspect()).NetworkSettings.Networks[step.network] !== undefined;
        if (await connected()) return;
        await docker
          .getNetwork(step.network)
          .connect({ Container: step.container, EndpointConfig: step.endpoint })
          .catch(async (e: Error) => {
            if (!(await connected())) throw e;
          });
      } catch (e) {
        // The container or the network is gone (a run network removed by cleanup): nothing to reconnect.
        if (!isNotFound(e)) throw e;
      }
      return;
    case "netns":
      try {
        const { State } = await docker.getContainer(step.container).inspect();
        // A stopped or restarted container took its namespace, and the change, with it.
        if (!State.Running || !State.Pid) return;
        const run = (argv: string[]) => inNetnsOfPid(State.Pid, argv);
        if (await isPresent(step.check, run)) await run(step.revert);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
  }
}

/** Runs every step (newest first), each attempted even when another fails; throws all failures at once. */
export async function applySteps(docker: Docker, steps: readonly RestoreStep[]): Promise<void> {
  const errors: string[] = [];
  for (const step of [...steps].reverse()) {
    await applyStep(docker, step).catch((e: Error) => errors.push(`${describeStep(step)}: ${e.message}`));
  }
  if (errors.length) throw new Error(errors.join("; "));
}

export function describeStep(step: RestoreStep): string {
  switch (step.op) {
    case "write":
      return `write ${step.value} to ${step.path}`;
    case "remove":
      return `remove ${step.path}`;
    case "kill":
      return `end helper process ${step.pid}`;
    case "unpause":
      return `unpause container ${step.container.slice(0, 12)}`;
    case "start":
      return `start container ${step.container.slice(0, 12)}`;
    case "connect":
      return `connect container ${step.container.slice(0, 12)} to network ${step.network}`;
    case "netns":
      return `${step.revert.join(" ")} in container ${step.container.slice(0, 12)}`;
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot), or undefined when the process is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/**
 * The process started at `startTime` still runs: not ended, nor merely awaiting its reaping (a zombie: its
 * parent, or the init that adopted it, has not collected it yet). A zombie has left its cgroups and holds
 * its pid until reaped, so that no other process can take it meanwhile; there is nothing left to end.
 */
export function isRunning(pid: number, startTime: string): boolean {
  return processStartTime(pid) === startTime && !isZombie(pid);
}

async function killHelper(pid: number, startTime: string): Promise<void> {
  if (!isRunning(pid, startTime)) return; // ended already, or the pid now belongs to another process
  try {
    process.kill(pid, "SIGKILL");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return;
    throw e;
  }
  const deadline = Date.now() + KILL_WAIT_MS;
  while (isRunning(pid, startTime) && Date.now() < deadline) await sleep(10);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}
