import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { checkBlastRadius } from "../../harness/faults/blast-radius.ts";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { applySteps, processStartTime } from "../../harness/faults/restore.ts";
import { dropFromSpec, iptablesArgv, isKnownRevert, lossSpec, rejectSpec, tbfArgv } from "../../harness/faults/netns-argv.ts";
import { replayUndoLog, UndoLog } from "../../harness/run/undo-log.ts";
import type { Replica } from "../../harness/docker/replica.ts";

const noDocker = {} as Docker;
const dir = () => mkdtempSync(join(tmpdir(), "steadystate-undo-"));
const RUN = "20260101-000000-abcd";
const ID = "a".repeat(64);
const OTHER = "b".repeat(64);
const STOPPED = "c".repeat(64);

/**
 * A Docker with two containers: `ext` (the run may touch it: named in the scenario, running as this very
 * process, a volume at `volume`) and `other` (another run's). Records what is asked of Docker.
 */
function fakeDocker(volume: string) {
  const calls: string[] = [];
  const containers: Record<string, object> = {
    [ID]: { Id: ID, Name: "/ext", Config: { Labels: {} }, State: { Running: true, Paused: true, Pid: process.pid }, Mounts: [{ Source: volume }] },
    [OTHER]: { Id: OTHER, Name: "/other", Config: { Labels: { "steadystate.run": "another-run" } }, State: { Running: true, Paused: true, Pid: process.pid }, Mounts: [] },
    [STOPPED]: { Id: STOPPED, Name: "/stopped", Config: { Labels: { "steadystate.run": RUN } }, State: { Running: false, Paused: false, Pid: 0 }, Mounts: [] },
  };
  const docker = {
    getContainer: (id: string) => ({
      inspect: async () => containers[id],
      unpause: async () => void calls.push(`unpause ${id.slice(0, 1)}`),
    }),
  } as unknown as Docker;
  return { docker, calls };
}
const radius = { runId: RUN, external: new Set([ID]) };

describe("undo log", () => {
  it("is on disk before the change, forgets what was undone, and a replay after a kill restores the rest", async () => {
    const d = dir();
    const fill = join(d, `.steadystate-fill-${RUN}-0-0`);
    const shm = `/dev/shm/steadystate-${RUN}-1-0-ext`;
    const { docker, calls } = fakeDocker(d);
    const log = new UndoLog(d, RUN);
    log.add("faults[0]", "undo fill", { op: "remove", container: ID, path: fill });
    writeFileSync(fill, "x");
    log.add("faults[1]", "undo hog", { op: "remove", container: ID, path: shm });
    writeFileSync(shm, "x");
    log.add("faults[2]", "undo pause", { op: "unpause", container: ID });
    log.add("faults[3]", "undo done", { op: "remove", container: ID, path: join(d, `.steadystate-fill-${RUN}-3-0`) });
    log.done("faults[3]");
    const onDisk = JSON.parse(readFileSync(join(d, "undo.json"), "utf8"));
    expect(onDisk).toMatchObject({ runId: RUN, entries: [{ id: "faults[0]", label: "undo fill" }, { id: "faults[1]", label: "undo hog" }, { id: "faults[2]", label: "undo pause" }] });

    // The process "dies" here: only the file is left.
    expect(await replayUndoLog(docker, d, radius)).toEqual({ undone: ["undo pause", "undo hog", "undo fill"], refused: [], errors: [] });
    expect(calls).toEqual(["unpause a"]);
    expect(existsSync(fill)).toBe(false);
    expect(existsSync(shm)).toBe(false);
    expect(existsSync(join(d, "undo.json"))).toBe(false);
    expect(await replayUndoLog(docker, d, radius)).toEqual({ undone: [], refused: [], errors: [] }); // twice is harmless
  });

  it("keeps replaying past a failing entry and keeps only what failed", async () => {
    const d = dir();
    const ok = join(d, `.steadystate-fill-${RUN}-0-0`);
    const bad = join(d, `.steadystate-fill-${RUN}-1-0`);
    writeFileSync(ok, "x");
    mkdirSync(bad); // a folder: rm refuses it
    const log = new UndoLog(d, RUN);
    log.add("faults[0]", "undo ok", { op: "remove", container: ID, path: ok });
    log.add("faults[1]", "undo bad", { op: "remove", container: ID, path: bad });
    const r = await replayUndoLog(fakeDocker(d).docker, d, radius);
    expect(r.undone).toEqual(["undo ok"]);
    expect(r.errors).toEqual([`undo undo bad: remove ${bad}: Path is a directory: rm returned EISDIR (is a directory) ${bad}`]);
    expect(existsSync(ok)).toBe(false);
    expect(JSON.parse(readFileSync(join(d, "undo.json"), "utf8")).entries.map((e: { id: string }) => e.id)).toEqual(["faults[1]"]);
  });

  it("restore steps tolerate a world that moved on: missing cgroup files, ended processes", async () => {
    await expect(
      applySteps(noDocker, [
        { op: "write", container: ID, path: "/sys/fs/cgroup/memory/docker/no-such-container/memory.limit_in_bytes", value: "-1" },
        { op: "remove", container: ID, path: "/tmp/steadystate-no-such-file" },
        { op: "kill", container: ID, pid: 2 ** 22 + 1, startTime: "1" },
      ]),
    ).resolves.toBeUndefined();
  });
});

describe("a forged undo log (a run folder is untrusted input)", () => {
  it("refuses every step no fault of this run writes, one line each, changes nothing, and replays the rest", async () => {
    const d = dir();
    const hostFile = join(dir(), "precious.txt");
    writeFileSync(hostFile, "keep me");
    const passwd = readFileSync("/etc/passwd", "utf8");
    const marker = join(d, "marker");
    const genuine = join(d, `.steadystate-fill-${RUN}-0-0`);
    writeFileSync(genuine, "x");
    const { docker, calls } = fakeDocker(d);
    const forged = [
      { op: "write", container: ID, path: "/etc/passwd", value: "0" },
      { op: "remove", container: ID, path: hostFile },
      { op: "remove", container: ID, path: join(dirname(hostFile), `.steadystate-fill-${RUN}-0-0`) },
      { op: "remove", container: ID, path: `${d}/../${basename(d)}/.steadystate-fill-${RUN}-0-0` },
      { op: "netns", container: ID, revert: ["sh", "-c", `touch ${marker}`], check: { argv: ["true"] } },
      { op: "netns", container: ID, revert: ["iptables", "-w", "5", "-D", "INPUT", "-s", "10.0.0.1", "-j", "ACCEPT"], check: { argv: ["iptables", "-w", "5", "-C", "INPUT", "-s", "10.0.0.1", "-j", "ACCEPT"] } },
      { op: "netns", container: ID, revert: ["tc", "qdisc", "del", "dev", "eth0", "root"], check: { argv: ["true"] } },
      { op: "exec", container: ID, argv: ["rm", "-rf", "/"] },
      { op: "write", container: "/etc", path: "/etc/passwd", value: "0" },
      { op: "unpause", container: ID, argv: ["sh"] },
      { op: "unpause", container: OTHER },
      { op: "remove", container: ID, path: genuine },
    ];
    writeFileSync(join(d, "undo.json"), JSON.stringify({ runId: RUN, entries: [{ id: "faults[0]", label: "forged", at: 1, steps: forged }] }));

    const r = await replayUndoLog(docker, d, radius);
    expect(r.refused).toEqual([
      "refused write 0 to /etc/passwd (forged): not the CPU quota or memory limit in the cgroups of ext, nor the OOM score of its main process",
      `refused remove ${hostFile} (forged): not a memory file (/dev/shm/steadystate-<tag>-ext) or fill file (.steadystate-fill-<tag> in the filesystem or volumes of ext) of this run`,
      `refused remove ${dirname(hostFile)}/.steadystate-fill-${RUN}-0-0 (forged): not a memory file (/dev/shm/steadystate-<tag>-ext) or fill file (.steadystate-fill-<tag> in the filesystem or volumes of ext) of this run`,
      `refused remove ${d}/../${basename(d)}/.steadystate-fill-${RUN}-0-0 (forged): not a memory file (/dev/shm/steadystate-<tag>-ext) or fill file (.steadystate-fill-<tag> in the filesystem or volumes of ext) of this run`,
      `refused sh -c touch ${marker} in container aaaaaaaaaaaa (forged): not the undo of a change a network fault makes (its iptables rule or tbf qdisc)`,
      "refused iptables -w 5 -D INPUT -s 10.0.0.1 -j ACCEPT in container aaaaaaaaaaaa (forged): not the undo of a change a network fault makes (its iptables rule or tbf qdisc)",
      "refused tc qdisc del dev eth0 root in container aaaaaaaaaaaa (forged): not the undo of a change a network fault makes (its iptables rule or tbf qdisc)",
      `refused step {"op":"exec","container":"${ID}","argv":["rm","-rf","/"]} (forged): op: Invalid discriminator value. Expected 'write' | 'remove' | 'kill' | 'unpause' | 'start' | 'connect' | 'netns'`,
      `refused step {"op":"write","container":"/etc","path":"/etc/passwd","value":"0"} (forged): container: a container's full id (64 hex digits)`,
      `refused step {"op":"unpause","container":"${ID}","argv":["sh"]} (forged): Unrecognized key: "argv"`,
      "refused unpause container bbbbbbbbbbbb (forged): container other: it was neither created by this run (label steadystate.run=20260101-000000-abcd) nor named in the scenario (targets.NAME.container)",
    ]);
    expect(readFileSync("/etc/passwd", "utf8")).toBe(passwd);
    expect(readFileSync(hostFile, "utf8")).toBe("keep me");
    expect(existsSync(marker)).toBe(false);
    expect(calls).toEqual([]);
    // The genuine step in the same entry was replayed; the entry stays in the log for what was refused.
    expect(existsSync(genuine)).toBe(false);
    expect(r.undone).toEqual(["forged"]);
    expect(JSON.parse(readFileSync(join(d, "undo.json"), "utf8")).entries).toHaveLength(1);
  });
});

describe("undo log replay: helpers, network undos, another run's log", () => {
  it("ends only helper processes in the container's cgroups: a live process elsewhere is refused and left running", async () => {
    const d = dir();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
    await once(child, "spawn");
    try {
      const step = { op: "kill", container: STOPPED, pid: child.pid!, startTime: processStartTime(child.pid!)! };
      writeFileSync(join(d, "undo.json"), JSON.stringify({ runId: RUN, entries: [{ id: "faults[0]", label: "burn", at: 1, steps: [step] }] }));
      const r = await replayUndoLog(fakeDocker(d).docker, d, radius);
      expect(r.refused).toEqual([`refused end helper process ${child.pid} (burn): process ${child.pid} is not a helper in the cgroups of stopped`]);
      expect(processStartTime(child.pid!)).toBe(step.startTime);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("skips a helper that ended but was never reaped (a zombie, out of every cgroup): not refused, and the replay succeeds", async () => {
    const d = dir();
    // `sh` starts a short `sleep`, then becomes a long one, which never reaps it: as a helper is left when
    // the harness that started it is SIGKILLed under an init that does not reap.
    const parent = spawn("sh", ["-c", "sleep 0.2 & echo $!; exec sleep 60"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const [out] = (await once(parent.stdout!, "data")) as [Buffer];
      const pid = Number(out.toString().trim());
      const state = () => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.charAt(0);
      for (let i = 0; i < 200 && state() !== "Z"; i++) await new Promise((r) => setTimeout(r, 10));
      expect(state()).toBe("Z");
      const step = { op: "kill", container: STOPPED, pid, startTime: processStartTime(pid)! };
      writeFileSync(join(d, "undo.json"), JSON.stringify({ runId: RUN, entries: [{ id: "faults[0]", label: "burn", at: 1, steps: [step] }] }));
      expect(await replayUndoLog(fakeDocker(d).docker, d, radius)).toEqual({ undone: ["burn"], refused: [], errors: [] });
      expect(processStartTime(parent.pid!)).toBeDefined();
    } finally {
      parent.kill("SIGKILL");
    }
  });

  it("accepts exactly the network undos the faults build, nothing like them", () => {
    const built = [iptablesArgv(lossSpec(8080, 0.3)), iptablesArgv(rejectSpec(8080)), iptablesArgv(dropFromSpec("172.18.0.3")), tbfArgv("eth1", 1_000_000)];
    for (const b of built) expect(isKnownRevert(b.revert, b.check)).toBe(true);
    const loss = iptablesArgv(lossSpec(8080, 0.3));
    expect(isKnownRevert(loss.revert.map((a) => (a === "0.3" ? "3e-1" : a)), loss.check)).toBe(false);
    expect(isKnownRevert([...loss.revert, "-m", "comment"], loss.check)).toBe(false);
    expect(isKnownRevert(loss.revert, { argv: ["true"] })).toBe(false);
    expect(isKnownRevert(iptablesArgv(dropFromSpec("0.0.0.0/0")).revert, iptablesArgv(dropFromSpec("0.0.0.0/0")).check)).toBe(false);
    const tbf = tbfArgv("eth0", 1);
    expect(isKnownRevert(tbf.revert, { ...tbf.check, includes: "qdisc" })).toBe(false);
    expect(isKnownRevert(tbf.revert.slice(0, -2), tbf.check)).toBe(false);
  });

  it("refuses the whole log of another run, and keeps it", async () => {
    const d = dir();
    const fill = join(d, `.steadystate-fill-other-0-0`);
    writeFileSync(fill, "x");
    writeFileSync(join(d, "undo.json"), JSON.stringify({ runId: "other", entries: [{ id: "faults[0]", label: "fill", at: 1, steps: [{ op: "remove", container: ID, path: fill }] }] }));
    expect(await replayUndoLog(fakeDocker(d).docker, d, radius)).toEqual({
      undone: [],
      refused: [`refused ${join(d, "undo.json")}: it is the undo log of run "other", not of run ${RUN} (run.json)`],
      errors: [],
    });
    expect(existsSync(fill)).toBe(true);
    expect(existsSync(join(d, "undo.json"))).toBe(true);
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
