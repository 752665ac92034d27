// A run folder's undo log is the only record of how to restore containers a killed run does not own: a
// rerun into the same folder is refused until `cleanup RUN_DIR` has replayed it; and that replay, run as
// root on whatever the folder says, carries out only what a fault of the run could have written.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inNetnsOfPid } from "../../harness/faults/netns.ts";
import { iptablesArgv, lossSpec } from "../../harness/faults/netns-argv.ts";
import { startApi, type ApiContainer } from "./fault-target.ts";
import { docker, readRunId, runCli, startCli, tempDir } from "./helpers.ts";

let ext: ApiContainer;
beforeAll(async () => {
  ext = await startApi();
});
afterAll(async () => {
  await ext?.container.stop({ timeout: 1 });
});

const extState = async () => {
  const info = await docker.getContainer(ext.victim.containerId).inspect();
  return { running: info.State.Running, paused: info.State.Paused, cpuQuota: ext.cgroup("cpu", "cpu.cfs_quota_us") };
};

function scenario(): string {
  const file = join(tempDir("undo-folder"), "scenario.yaml");
  writeFileSync(
    file,
    `version: 1
name: undo-folder
targets:
  ext: { container: ${ext.victim.containerName}, port: 8080, health: { path: /healthz } }
load: { target: ext, path: /work, connections: 2, rate: 20, duration: 20s, timeout: 1s }
faults:
  - { kind: cpu-throttle, target: ext, at: 300ms, duration: 15s, cpus: 0.5 }
  - { kind: pause, target: ext, at: 500ms, duration: 15s }
`,
  );
  return file;
}

describe("the undo log of a killed run", () => {
  it("refuses a rerun into its folder (exit 3) until `cleanup RUN_DIR` left the container as found", async () => {
    const before = await extState();
    const file = scenario();
    const out = tempDir("undo-rerun");
    const killed = startCli(["run", file, "--out", out]);
    await killed.waitFor(/inject: pause/, 90_000);
    killed.child.kill("SIGKILL");
    await killed.done;
    const runId = readRunId(out);
    const log = readFileSync(join(out, "undo.json"), "utf8");
    expect(await extState()).toMatchObject({ paused: true, cpuQuota: "50000" });

    const rerun = await runCli(["run", file, "--out", out, "--no-progress"]);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(3);
    expect(rerun.stderr).toContain(
      `error: ${out} holds the undo log of a run that did not finish: its faults may still be in force\n` +
        `fix: run \`steadystate cleanup ${out}\` to undo them, then run again (or give another --out)\n`,
    );
    // Refused before anything was written or started: the killed run's record is intact, its faults still in force.
    expect(readFileSync(join(out, "undo.json"), "utf8")).toBe(log);
    expect(readRunId(out)).toBe(runId);
    expect(await extState()).toMatchObject({ paused: true, cpuQuota: "50000" });

    const c = await runCli(["cleanup", out]);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(await extState()).toEqual(before);
    expect(existsSync(join(out, "undo.json"))).toBe(false);

    const again = startCli(["run", file, "--out", out]);
    await again.waitFor(/load 20s \(/, 90_000);
    again.child.kill("SIGINT");
    const r = await again.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(readRunId(out)).not.toBe(runId);
    expect(await extState()).toEqual(before);
  }, 180_000);

  it("replays a genuine network undo and refuses forged steps, which change nothing (exit 3)", async () => {
    const out = tempDir("undo-forged");
    const runId = "20260101-000000-f0f0";
    const marker = join(out, "marker");
    const passwd = readFileSync("/etc/passwd", "utf8");
    const pid = await ext.pid();
    // A rule a loss fault of this run inserted, as it logs it.
    const rule = iptablesArgv(lossSpec(8080, 0.3));
    await inNetnsOfPid(pid, rule.apply);
    const container = ext.victim.containerId;
    const steps = [
      { op: "netns", container, revert: rule.revert, check: rule.check },
      { op: "netns", container, revert: ["sh", "-c", `touch ${marker}`], check: { argv: ["true"] } },
      { op: "write", container, path: "/etc/passwd", value: "0" },
    ];
    writeFileSync(join(out, "run.json"), JSON.stringify({ runId, pid: 2 ** 22 + 1, scenario: "forged.yaml", startedAt: 0, external: [container] }));
    writeFileSync(join(out, "undo.json"), JSON.stringify({ runId, entries: [{ id: "faults[0]#0", label: "loss on ext", at: 0, steps }] }));

    const c = await runCli(["cleanup", out]);
    expect(c.code, c.stdout + c.stderr).toBe(3);
    expect(c.stderr.split("\n").filter((l) => l.startsWith("refused"))).toEqual([
      `refused sh -c touch ${marker} in container ${container.slice(0, 12)} (loss on ext): not the undo of a change a network fault makes (its iptables rule or tbf qdisc)`,
      `refused write 0 to /etc/passwd (loss on ext): not the CPU quota or memory limit in the cgroups of ${ext.victim.containerName}, nor the OOM score of its main process`,
    ]);
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync("/etc/passwd", "utf8")).toBe(passwd);
    expect(await inNetnsOfPid(pid, ["iptables", "-w", "5", "-S", "INPUT"])).not.toContain("--probability");
  }, 60_000);
});
