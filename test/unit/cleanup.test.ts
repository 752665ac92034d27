// What `steadystate cleanup` (without --run) leaves alone: the objects of runs whose harness process is
// still alive. The decision is made from the pid each object carries; a pid is alive only when its
// process is still a steadystate one (a reused pid is not).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { isHarnessAlive } from "../../harness/host/run-owner.ts";
import { liveRuns } from "../../harness/targets/cleanup.ts";
import { PID_LABEL, RUN_LABEL, runLabels } from "../../harness/docker/labels.ts";

const children: ChildProcess[] = [];
/** A live process whose command line does (or does not) name steadystate. */
async function sleeper(arg: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)", arg], { stdio: "ignore" });
  children.push(child);
  await once(child, "spawn");
  return child;
}
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

describe("runs still in progress", () => {
  it("one live pid marks its whole run alive; dead pids and objects without a pid do not", () => {
    const alive = (pid: number) => pid === 10 || pid === 30;
    const objects = [
      { runId: "a", pid: 10 },
      { runId: "a", pid: 10 },
      { runId: "b", pid: 20 },
      { runId: "c" },
      { runId: "d", pid: 40 },
      { runId: "d", pid: 30 },
    ];
    expect(liveRuns(objects, alive)).toEqual([
      { runId: "a", pid: 10 },
      { runId: "d", pid: 30 },
    ]);
    expect(liveRuns([], alive)).toEqual([]);
  });

  it("everything a run labels carries the pid of its harness process", () => {
    expect(runLabels("r1", { "steadystate.target": "api" })).toEqual({ [RUN_LABEL]: "r1", [PID_LABEL]: String(process.pid), "steadystate.target": "api" });
  });

  it("a pid is a live run only while its process is a steadystate one, and never this process", async () => {
    const harness = await sleeper("steadystate-run-owner-test");
    const other = await sleeper("unrelated");
    expect(isHarnessAlive(harness.pid!)).toBe(true);
    // What a pid reused by another program after a SIGKILL looks like.
    expect(isHarnessAlive(other.pid!)).toBe(false);
    expect(isHarnessAlive(process.pid)).toBe(false);
    for (const bad of [0, -1, Number.NaN, 1.5]) expect(isHarnessAlive(bad)).toBe(false);
    harness.kill("SIGKILL");
    await once(harness, "exit");
    expect(isHarnessAlive(harness.pid!)).toBe(false);
  });
});
