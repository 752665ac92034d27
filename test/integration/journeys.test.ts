import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leftovers, readJournal, runCli, tempDir, expectMissingToolRefusal } from "./helpers.ts";

describe("browser journeys and Compose targets (real Docker, real Chromium)", () => {
  it("journey example: the checkout fails while the api is down, with a screenshot, and recovers (exit 0)", async () => {
    const out = tempDir("journey");
    const r = await runCli(["run", "scenarios/journey.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    const crash = j.faults[0]!;
    expect(crash.recovered).toBe(true);
    // The api boots 1.5 s after its restart, so the outage lasts at least that; MTTR ≤ outage (~2 s, more on a
    // busy machine) + a journey's 5 s timeout (one that began in the outage gives up then) + a load interval.
    expect(crash.mttrMs).toBeGreaterThan(1_500);
    expect(crash.mttrMs).toBeLessThan(10_000);

    const journey = j.metrics.journeys!.checkout!;
    expect(journey.ok).toBeGreaterThanOrEqual(3);
    // Failed journeys that overlapped the outage: one is recorded when it gives up, which can come after the
    // recovery when the stable stretch completes within its timeout.
    const duringOutage = journey.failures.filter((f) => f.at >= crash.injectedAt! && f.startedAt <= crash.recoveredAt!);
    expect(duringOutage.length, JSON.stringify(journey.failures)).toBeGreaterThanOrEqual(1);
    const shot = duringOutage.find((f) => f.screenshot)!;
    expect(shot.step).toMatch(/^steps\[(2|3)\] (click "text=Add to cart"|expectText "Cart: 2 items")$/);
    expect(existsSync(join(out, shot.screenshot!))).toBe(true);
    expect(readFileSync(join(out, shot.screenshot!)).subarray(1, 4).toString()).toBe("PNG");
    expect(j.slo.find((s) => s.metric === "journey_availability")).toMatchObject({ pass: true });
    expect(j.timeline.some((row) => row.series["journey:checkout"])).toBe(true);

    const summary = readFileSync(join(out, "summary.md"), "utf8");
    expect(summary).toContain("## Journey checkout: failures");
    expect(summary).toContain(`[${shot.screenshot}](${shot.screenshot})`);
    // Open model: the arrivals asked for were sent (the count is exact; only spacing can slip).
    expect(Math.abs(j.metrics.arrivals!.sent - j.metrics.arrivals!.requested)).toBeLessThanOrEqual(2);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });

  it("exits 3 with the install command when Chromium is missing, before starting any target", () =>
    expectMissingToolRefusal("scenarios/journey.yaml", { STEADYSTATE_CHROMIUM: "/nonexistent/chromium" }, [
      "Chromium is not installed (no executable at /nonexistent/chromium); browser journeys need it",
      "fix: apt-get install -y --no-install-recommends chromium (or set STEADYSTATE_CHROMIUM to a Chromium or Chrome binary)",
    ]));

  it("Compose example: services start in dependency order, the crash of the api behind web heals (exit 0)", async () => {
    const out = tempDir("compose");
    const r = await runCli(["run", "scenarios/compose.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    const targetEvents = j.events.filter((e) => e.type === "target").map((e) => e.message);
    expect(targetEvents.indexOf("starting web (api ready)")).toBeGreaterThan(targetEvents.indexOf("api ready"));
    expect(targetEvents.indexOf("web ready")).toBeGreaterThan(targetEvents.indexOf("starting web (api ready)"));
    expect(Object.keys(j.scenario.targets)).toEqual(["api", "web"]);
    expect(j.faults[0]).toMatchObject({ kind: "crash", target: "api", recovered: true });
    expect(j.metrics.requests.failedBy).not.toHaveProperty("ECONNREFUSED"); // web itself never went away
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });
});
