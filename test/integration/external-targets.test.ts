// Targets the run does not own, and stop conditions, through the real command line.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type ApiContainer } from "./fault-target.ts";
import { docker, leftovers, readJournal, runCli, tempDir } from "./helpers.ts";

describe("external targets and stop conditions (real Docker)", () => {
  let ext: ApiContainer;
  beforeAll(async () => {
    ext = await startApi({ env: { WORK_MS: "5", WRITE_DIR: "/data" }, tmpfs: { "/data": "rw,size=16m" } });
  });
  afterAll(async () => {
    await ext?.container.stop({ timeout: 1 });
  });

  it("faults hit a named running container, which the run neither creates nor removes and leaves as found; a url target takes probes", async () => {
    const before = await docker.getContainer(ext.victim.containerId).inspect();
    const dir = tempDir("external");
    const file = join(dir, "external.yaml");
    writeFileSync(
      file,
      `version: 1
name: external
targets:
  ext: { container: ${ext.victim.containerName}, port: 8080, health: { path: /healthz } }
  web: { url: "${ext.victim.url}" }
load: { target: ext, path: /work, connections: 2, rate: 50, duration: 6s }
probes:
  - { name: web, target: web, path: /healthz, every: 250ms }
faults:
  - { kind: cpu-throttle, target: ext, at: 1s, duration: 2s, cpus: 0.05 }
  - { kind: disk-fill, target: ext, at: 1s, duration: 2s, path: /data, size: 100% }
  - { kind: memory-limit, target: ext, at: 3s, duration: 1s, limit: 200m }
`,
    );
    const out = tempDir("external-run");
    const r = await runCli(["run", file, "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    expect(j.faults.map((f) => [f.kind, f.victims, f.restoredAt !== null, f.undoMs !== null && f.undoMs < 1_000])).toEqual([
      ["cpu-throttle", [ext.victim.containerName], true, true],
      ["disk-fill", [ext.victim.containerName], true, true],
      ["memory-limit", [ext.victim.containerName], true, true],
    ]);
    expect(j.metrics.probes.web!.total).toBeGreaterThan(15);
    expect(j.events.map((e) => e.message)).toContain(`target ext is container ${ext.victim.containerName} (not owned by the run: left as found)`);
    expect(existsSync(join(out, "undo.json"))).toBe(false); // every entry undone
    const after = await docker.getContainer(ext.victim.containerId).inspect();
    expect([after.State.Running, after.State.Paused, after.State.Pid, after.RestartCount]).toEqual([true, false, before.State.Pid, before.RestartCount]);
    expect([ext.cgroup("cpu", "cpu.cfs_quota_us"), ext.cgroup("memory", "memory.limit_in_bytes")]).toEqual(["-1", "9223372036854771712"]);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });

  it("refuses to start when the named container does not exist (exit 3, with a fix)", async () => {
    const file = join(tempDir("missing"), "missing.yaml");
    writeFileSync(file, "version: 1\nname: missing\ntargets:\n  ext: { container: steadystate-no-such-container, port: 8080 }\nload: { target: ext, duration: 2s }\n");
    const r = await runCli(["run", file, "--out", tempDir("missing-run"), "--no-progress"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("target ext: there is no container named steadystate-no-such-container");
    expect(r.stdout).toContain("fix: start it first, or fix targets.ext.container");
  });

  it("abortWhen: a condition that holds undoes every fault at once and ends the run as failed (exit 1)", async () => {
    const out = tempDir("abort");
    const r = await runCli(["run", "test/scenarios/abort-when.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const j = readJournal(out);
    expect(j.verdict).toBe("fail");
    expect(j.reasons).toEqual([expect.stringMatching(/^stopped early: abortWhen "error_rate > 50% for 1s" held \(measured \d+(\.\d+)?%\); every fault was undone$/)]);
    const [pause, burn] = j.faults;
    // Requests time out after 1 s, so a 1 s window holds only failures from 2 s after the freeze (sooner
    // once failures outnumber successes); the check runs every 100 ms. How much later a busy machine makes
    // it is no property of the run; what is: the abort, the undo and the end of the load all come after the
    // condition could first hold and before the 15 s window would have ended on its own.
    const windowEnd = pause!.injectedAt! + pause!.durationMs!;
    expect(j.abort!.at - pause!.injectedAt!).toBeGreaterThan(1_000);
    expect(j.abort!.at).toBeLessThan(windowEnd);
    expect(pause!.restoredAt!).toBeGreaterThanOrEqual(j.abort!.at);
    expect(pause!.restoredAt!).toBeLessThan(windowEnd);
    expect(burn!.injectedAt).toBeNull();
    expect(j.loadEndedAt!).toBeLessThan(windowEnd);
    // Cut short by the abort: its recovery is not judged.
    expect(pause!.notJudged).toBe("aborted");
    expect(j.events.filter((e) => e.type === "abort").map((e) => e.message)).toEqual([
      expect.stringMatching(/^abortWhen "error_rate > 50% for 1s" holds \(measured [\d.]+%\): stopping all faults and the load$/),
    ]);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });
});
