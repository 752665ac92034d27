import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { checkBlastRadius } from "../../harness/faults/blast-radius.ts";
import { applySteps } from "../../harness/faults/restore.ts";
import { replayUndoLog, UndoLog } from "../../harness/run/undo-log.ts";
import type { Replica } from "../../harness/docker/replica.ts";

const noDocker = {} as Docker;
const dir = () => mkdtempSync(join(tmpdir(), "steadystate-undo-"));

describe("undo log", () => {
  it("is on disk before the change, forgets what was undone, and a replay after a kill restores the rest", async () => {
    const d = dir();
    const setting = join(d, "memory.limit_in_bytes");
    const fill = join(d, "fill");
    writeFileSync(setting, "-1");
    const log = new UndoLog(d, "run-1");
    log.add("faults[0]", "undo limit", { op: "write", path: setting, value: "-1" });
    writeFileSync(setting, "67108864");
    log.add("faults[1]", "undo fill", { op: "remove", path: fill });
    writeFileSync(fill, "x");
    log.add("faults[2]", "undo done", { op: "remove", path: join(d, "gone") });
    log.done("faults[2]");
    const onDisk = JSON.parse(readFileSync(join(d, "undo.json"), "utf8"));
    expect(onDisk).toMatchObject({ runId: "run-1", entries: [{ id: "faults[0]", label: "undo limit" }, { id: "faults[1]", label: "undo fill" }] });

    // The process "dies" here: only the file is left.
    expect(await replayUndoLog(noDocker, d)).toEqual({ undone: ["undo fill", "undo limit"], errors: [] });
    expect(readFileSync(setting, "utf8")).toBe("-1");
    expect(existsSync(fill)).toBe(false);
    expect(existsSync(join(d, "undo.json"))).toBe(false);
    expect(await replayUndoLog(noDocker, d)).toEqual({ undone: [], errors: [] }); // twice is harmless
  });

  it("keeps replaying past a failing entry and keeps only what failed", async () => {
    const d = dir();
    const ok = join(d, "ok");
    writeFileSync(ok, "changed");
    const log = new UndoLog(d, "run-2");
    log.add("faults[0]", "undo ok", { op: "write", path: ok, value: "prior" });
    log.add("faults[1]", "undo bad", { op: "write", path: d, value: "x" }); // a folder: EISDIR
    const r = await replayUndoLog(noDocker, d);
    expect(r.undone).toEqual(["undo ok"]);
    expect(r.errors).toEqual([`undo undo bad: write x to ${d}: EISDIR: illegal operation on a directory, open '${d}'`]);
    expect(readFileSync(ok, "utf8")).toBe("prior");
    expect(JSON.parse(readFileSync(join(d, "undo.json"), "utf8")).entries.map((e: { id: string }) => e.id)).toEqual(["faults[1]"]);
  });

  it("restore steps tolerate a world that moved on: missing cgroup files, ended processes", async () => {
    await expect(
      applySteps(noDocker, [
        { op: "write", path: "/sys/fs/cgroup/memory/docker/no-such-container/memory.limit_in_bytes", value: "-1" },
        { op: "remove", path: "/tmp/steadystate-no-such-file" },
        { op: "kill", pid: 2 ** 22 + 1, startTime: "1" },
      ]),
    ).resolves.toBeUndefined();
  });
});

describe("blast radius", () => {
  const victim = (id: string): Replica => ({ target: "api", index: 0, containerId: id, containerName: id, port: 8080, hostPort: 1, url: "http://127.0.0.1:1" });
  const docker = (labels: Record<string, string>) =>
    ({ getContainer: (id: string) => ({ inspect: async () => ({ Id: id, Name: `/${id}`, Config: { Labels: labels } }) }) }) as unknown as Docker;

  it("allows the run's own containers and the ones the scenario names, refuses any other", async () => {
    const radius = { runId: "r1", external: new Set(["named"]) };
    await expect(checkBlastRadius(docker({ "steadystate.run": "r1" }), radius, [victim("mine")])).resolves.toBeUndefined();
    await expect(checkBlastRadius(docker({}), radius, [victim("named")])).resolves.toBeUndefined();
    await expect(checkBlastRadius(docker({ "steadystate.run": "r2" }), radius, [victim("other-run")])).rejects.toThrow(
      "refusing to touch container other-run: it was neither created by this run (label steadystate.run=r1) nor named in the scenario (targets.NAME.container)",
    );
  });
});
