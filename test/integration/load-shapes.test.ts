import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leftovers, readJournal, runCli, tempDir } from "./helpers.ts";

describe("load shapes (real Docker)", () => {
  it("open-model ramp over a weighted mix after a warm-up: the schedule is kept and env values stay out of the reports", async () => {
    const out = tempDir("load-shapes");
    const r = await runCli(["run", "test/scenarios/load-shapes.yaml", "--out", out, "--no-progress"], { STEADYSTATE_TEST_TOKEN: "t0ken-value-42" });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    const a = j.metrics.arrivals!;
    // 1 s warm-up at 20/s, then 20 → 120/s over 3 s (210) and 2 s at 120/s (240): 470 arrivals.
    expect(a.requested).toBe(470);
    expect(a.sent).toBe(470); // exact: arrivals due before the end are sent even after a late wake-up
    // The measured phase records every arrival after the warm-up that was answered before the end; an
    // arrival of the warm-up's last moments may be answered (and so recorded) just after it.
    expect(Math.abs(j.metrics.requests.total - (a.sent - 20 - a.unfinished))).toBeLessThanOrEqual(3);
    expect(j.metrics.requests.failed).toBe(0);
    const perSecond = [0, 1, 2, 3, 4].map((s) =>
      j.timeline.filter((row) => row.at >= j.loadStartedAt! + s * 1_000 && row.at < j.loadStartedAt! + (s + 1) * 1_000).reduce((n, row) => n + (row.series.load ? row.series.load.ok + row.series.load.failed : 0), 0),
    );
    // The ramp: about 37, 70, 103 in the first three seconds, then 120 a second (answers land where they end).
    expect(perSecond[0]).toBeLessThan(perSecond[2]!);
    expect(perSecond[2]).toBeLessThan(perSecond[4]!);
    expect(j.scenario.load!.requests[0]!.headers).toEqual({ authorization: "Bearer ${STEADYSTATE_TEST_TOKEN}" });
    expect(j.scenario.warmupMs).toBe(1_000);
    for (const file of ["journal.json", "summary.md"]) expect(readFileSync(join(out, file), "utf8")).not.toContain("t0ken-value-42");
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });

  it("open model while the target is paused: arrivals are sent on time and pile up, their latency counted from the schedule", async () => {
    const out = tempDir("open-pause");
    const r = await runCli(["run", "test/scenarios/open-pause.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    const a = j.metrics.arrivals!;
    const pause = j.faults[0]!;
    // 5 s at 50/s, every one sent on its schedule whatever the frozen target: a closed model (or a
    // coordinated-omission client) would have sent ~75 fewer, or sent them 1.5 s late.
    expect(a.requested).toBe(250);
    expect(a.sent).toBe(250);
    expect(a.lateMs.max!).toBeLessThan(500);
    // Nothing is answered while the target is frozen; what arrived meanwhile is answered at the unpause.
    const loadIn = (from: number, to: number) =>
      j.timeline.filter((row) => row.at >= from && row.at < to).reduce((n, row) => n + (row.series.load ? row.series.load.ok + row.series.load.failed : 0), 0);
    // (200 ms margins: restoredAt is stamped once Docker has answered, when the first answers may be out.)
    expect(loadIn(pause.injectedAt! + 200, pause.restoredAt! - 200)).toBe(0);
    expect(loadIn(pause.restoredAt! - 200, pause.restoredAt! + 500)).toBeGreaterThanOrEqual(60);
    // The first arrival of the pause waited all of it, counted from when it was due.
    expect(j.metrics.latencyMs.max!).toBeGreaterThan(1_300);
    expect(j.metrics.requests.failed).toBe(0);
    expect(Math.abs(j.metrics.requests.total - (a.sent - a.unfinished))).toBeLessThanOrEqual(3);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });
});
