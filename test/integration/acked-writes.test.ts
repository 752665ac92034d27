import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leftovers, leftoverVolumes, readJournal, ROOT, runCli, startCli, tempDir } from "./helpers.ts";

/** A scenario of scenarios/ with its store's env replaced, written where its build path still resolves. */
function scenarioCopy(name: string, env = "MODE: durable"): string {
  const text = readFileSync(join(ROOT, "scenarios", name), "utf8")
    .replace("build: ../fixtures/store", `build: ${join(ROOT, "fixtures", "store")}`)
    .replace("env: { MODE: durable }", `env: { ${env} }`);
  const file = join(tempDir("store"), "scenario.yaml");
  writeFileSync(file, text);
  return file;
}

const scenarioWithMode = (mode: "durable" | "lying") => scenarioCopy("acked-writes.yaml", `MODE: ${mode}`);

/** The "N keys recovered" count each start of a replica's container logged, from its log in the run folder. */
const keysRecovered = (out: string, log: string) =>
  [...readFileSync(join(out, log), "utf8").matchAll(/(\d+) keys recovered/g)].map((m) => Number(m[1]));

describe("acked-writes check against the store fixture under repeated crashes (real Docker)", () => {
  it("durable store (fsync before ack): every acknowledged write reads back, lost_writes 0 (exit 0)", async () => {
    const out = tempDir("durable");
    const r = await runCli(["run", scenarioWithMode("durable"), "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    const check = j.checks[0]!;
    expect(check).toMatchObject({ kind: "acked-writes", target: "store", path: "/kv", rate: 50, lost: 0, lostKeys: [] });
    // 50/s over 16 s, less what the three outages refused.
    expect(check.writes.attempted).toBeGreaterThan(600);
    expect(check.writes.acked).toBeGreaterThan(500);
    expect(check.verify).toMatchObject({ read: check.writes.attempted, unreadable: 0, mismatched: 0 });
    expect(check.verify!.present).toBe(check.writes.acked + check.unackedPresent!);
    expect(j.slo.find((s) => s.metric === "lost_writes")).toMatchObject({ measured: 0, pass: true });
    expect(j.targets.store!.replicas[0]!.restarts).toBe(3);
    // The volume carried the data across restarts: each start recovered more keys than the one before.
    const recovered = keysRecovered(out, "logs/store-0.log");
    expect(recovered).toHaveLength(4);
    expect(recovered[0]).toBe(0);
    expect(recovered[1]).toBeGreaterThan(0);
    expect(recovered[3]).toBeGreaterThan(recovered[2]!);
    expect(r.stdout).toMatch(/acknowledged writes to store \/kv \(50\/s\)\s+0 of \d+ acknowledged writes lost/);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain("## Data checks");
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
    expect(await leftoverVolumes(j.runId)).toEqual([]);
  });

  it("lying store (ack before write): acknowledged writes are lost, the run fails on lost_writes (exit 1)", async () => {
    const out = tempDir("lying");
    const r = await runCli(["run", scenarioWithMode("lying"), "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const j = readJournal(out);
    const check = j.checks[0]!;
    // Each crash loses what the store acknowledged since its last flush (up to 1 s of writes at 50/s).
    expect(check.lost).toBeGreaterThan(0);
    expect(check.lostKeys).toHaveLength(Math.min(20, check.lost!));
    expect(check.lostKeys[0]).toMatch(new RegExp(`^${j.runId}-\\d+$`));
    expect(j.reasons).toContain(`SLO missed: lost_writes <= 0 (measured ${check.lost})`);
    expect(await leftoverVolumes(j.runId)).toEqual([]);
  });
});

describe("backup-restore drill of the store's volume (real Docker)", () => {
  it("durable store on its volume: the restore brings every write back, with its time to restore (exit 0)", async () => {
    const out = tempDir("drill");
    const r = await runCli(["run", scenarioCopy("backup-restore.yaml"), "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    const check = j.checks[0]!;
    const drill = check.drill!;
    expect(check.lost).toBe(0);
    expect(drill).toMatchObject({
      kind: "backup-restore",
      volumes: [{ volume: `ss-${j.runId}-store-0-data`, backup: `ss-${j.runId}-store-0-data-backup` }],
      lost: 0,
      lostKeys: [],
    });
    expect(drill.error).toBeUndefined();
    // Every key is read back again, and finds what the first read-back found.
    const { startedAt: _s, endedAt: _e, ...counts } = check.verify!;
    expect(drill.verify).toMatchObject(counts);
    expect(drill.backupMs).toBeGreaterThan(0);
    expect(drill.restoreMs).toBeGreaterThan(0);
    expect(drill.totalMs).toBeGreaterThanOrEqual(drill.backupMs! + drill.restoreMs!);
    expect(drill.startedAt).toBeGreaterThanOrEqual(check.verify!.endedAt);
    expect(j.slo.find((s) => s.metric === "restore_lost_writes")).toMatchObject({ measured: 0, pass: true });
    expect(j.slo.find((s) => s.metric === "restore_time")).toMatchObject({ measured: drill.restoreMs, pass: true });
    // A new container started on the restored volume and found every stored key in it.
    expect(j.targets.store!.replicas.map((x) => x.log)).toEqual(["logs/store-0.log", "logs/store-0.1.log"]);
    expect(keysRecovered(out, "logs/store-0.1.log")).toEqual([check.verify!.present]);
    expect(j.events.filter((e) => e.type === "check").map((e) => e.message)).toEqual([
      expect.stringMatching(/^acknowledged writes to store \/kv \(50\/s\), then a backup-restore drill: \d+ acknowledged, 0 lost/),
      `backup-restore: 1 volume(s) of store backed up in ${(drill.backupMs! / 1_000).toFixed(1)}s`,
      `backup-restore: store destroyed and restored from the backup, healthy after ${(drill.restoreMs! / 1_000).toFixed(1)}s`,
      `backup-restore: ${check.writes.attempted} key(s) read back after the restore, 0 acknowledged write(s) lost`,
    ]);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toMatch(/\| backup-restore \|[\s\S]*restored in [\d.]+m?s \(backup [\d.]+m?s\): 0 of [\d,]+ acknowledged writes lost/);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
    expect(await leftoverVolumes(j.runId)).toEqual([]);
  });

  it("store keeping its data outside the volume: survives the crash, not the restore; the run fails on restore_lost_writes (exit 1)", async () => {
    const out = tempDir("drill-off-volume");
    const r = await runCli(["run", scenarioCopy("backup-restore.yaml", "MODE: durable, DATA_DIR: /var/lib/store"), "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const j = readJournal(out);
    const check = j.checks[0]!;
    // The crash kept the container (and the data in its own layer): nothing lost then.
    expect(check.lost).toBe(0);
    expect(j.slo.find((s) => s.metric === "lost_writes")).toMatchObject({ measured: 0, pass: true });
    // The backup of the (empty) volume restored nothing: every acknowledged write is gone.
    expect(check.drill).toMatchObject({ lost: check.writes.acked, verify: { present: 0, unreadable: 0 } });
    expect(check.drill!.lostKeys).toHaveLength(20);
    expect(keysRecovered(out, "logs/store-0.1.log")).toEqual([0]);
    expect(j.reasons).toEqual([`SLO missed: restore_lost_writes <= 0 (measured ${check.writes.acked})`]);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
    expect(await leftoverVolumes(j.runId)).toEqual([]);
  });

  it("SIGINT during the drill: the recreated store, its volume and the backup are removed (exit 130)", async () => {
    const out = tempDir("drill-interrupt");
    const cli = startCli(["run", scenarioCopy("backup-restore.yaml"), "--out", out]);
    await cli.waitFor(/check: backup-restore: 1 volume\(s\) of store backed up/);
    cli.child.kill("SIGINT");
    const r = await cli.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    const j = readJournal(out);
    const drill = j.checks[0]!.drill!;
    expect(drill.backupMs).toBeGreaterThan(0);
    expect(drill.error).toMatch(/interrupted/);
    expect(j.verdict).toBe("interrupted");
    expect(j.events.filter((e) => e.type === "undo-failed")).toEqual([]);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
    expect(await leftoverVolumes(j.runId)).toEqual([]);
  });
});
