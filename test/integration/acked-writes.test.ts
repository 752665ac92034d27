import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leftovers, leftoverVolumes, readJournal, ROOT, runCli, tempDir } from "./helpers.ts";

/** scenarios/acked-writes.yaml with the store in another mode, written where its build path still resolves. */
function scenarioWithMode(mode: "durable" | "lying"): string {
  const text = readFileSync(join(ROOT, "scenarios", "acked-writes.yaml"), "utf8")
    .replace("build: ../fixtures/store", `build: ${join(ROOT, "fixtures", "store")}`)
    .replace("MODE: durable", `MODE: ${mode}`);
  const file = join(tempDir(`store-${mode}`), "scenario.yaml");
  writeFileSync(file, text);
  return file;
}

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
    const recovered = [...readFileSync(join(out, "logs", "store-0.log"), "utf8").matchAll(/(\d+) keys recovered/g)].map((m) => Number(m[1]));
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
