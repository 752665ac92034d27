// The A/B loop in sequential mode (harness/run/ab.ts), with a fake trial runner that writes fixture journals
// where a real trial would: pairs run until the sequential judge decides, compare.json keeps the fixed-sample
// comparison and gains the sequential section. No Docker.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadJudgeConfig } from "../../harness/canary/config.ts";
import { pairLine, type SequentialResult } from "../../harness/canary/sequential.ts";
import type { RunResult } from "../../harness/run/orchestrator.ts";
import { runAb, type AbOptions } from "../../harness/run/ab.ts";
import { loadScenario } from "../../harness/scenario/parse.ts";
import { trialDir } from "../../harness/trials/folder.ts";
import { makeJournal, type FixtureOptions } from "../fixtures/journal.ts";

const SCENARIO = loadScenario(join(import.meta.dirname, "..", "scenarios", "ab-steady.yaml"));
const CONFIG = loadJudgeConfig(undefined);

/** A trial runner that writes a fixture journal into the trial's folder, as a run would; records the order. */
function fakeRunner(sides: Record<"baseline" | "canary", FixtureOptions>, order: string[], broken?: { variant: string; k: number }): NonNullable<AbOptions["runTrial"]> {
  return (_scenario, dir, k, n, _opts, variant) => {
    order.push(`${variant} ${k}/${n}`);
    const journal = makeJournal({ ...sides[variant as "baseline" | "canary"], seed: 1_000 + 10 * k + (variant === "canary" ? 1 : 0) });
    if (broken && broken.variant === variant && broken.k === k) journal.verdict = "error";
    const runDir = join(dir, trialDir(k));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, "journal.json"), JSON.stringify(journal));
    return Promise.resolve({ journal, runDir, reports: [] } satisfies RunResult);
  };
}

function options(runner: NonNullable<AbOptions["runTrial"]>, lines: string[]): AbOptions {
  return { formats: ["json"], progress: () => ({}) as ReturnType<AbOptions["progress"]>, runTrial: runner, sequential: { onPair: (r: SequentialResult) => lines.push(pairLine(r)) } };
}

const scratch = () => mkdtempSync(join(tmpdir(), "steadystate-ab-sequential-"));

describe("run --ab --sequential", () => {
  it("stops once a 30% slower canary is decided, alternating the sides, and writes both judgements", async () => {
    const order: string[] = [];
    const lines: string[] = [];
    const dir = join(scratch(), "ab");
    const r = await runAb(SCENARIO, dir, 10, CONFIG, options(fakeRunner({ baseline: { latencyMs: 20 }, canary: { latencyMs: 26 } }, order, undefined), lines));
    const pairs = r.sequential!.pairs;
    expect(r.sequential!.verdict).toBe("fail");
    expect(pairs).toBeLessThan(10);
    expect(order).toEqual(Array.from({ length: pairs }, (_, i) => [`baseline ${i + 1}/10`, `canary ${i + 1}/10`]).flat());
    expect(lines.length).toBe(pairs);
    expect(lines[0]).toMatch(/^pair 1\/10: p50 \(steady\) continue /);
    expect(lines[pairs - 1]).toMatch(new RegExp(`^pair ${pairs}/10: p50 \\(steady\\) FAIL \\[`));
    expect(existsSync(join(dir, "baseline", trialDir(pairs + 1)))).toBe(false);

    const written = JSON.parse(readFileSync(join(dir, "compare.json"), "utf8"));
    expect(written.kind).toBe("comparison");
    expect(written.baseline).toMatchObject({ path: "baseline", trials: pairs });
    expect(written.judgement.verdict).toBe(r.comparison!.judgement.verdict);
    expect(written.sequential).toMatchObject({ verdict: "fail", pairs, maxPairs: 10, alpha: 0.05, stopped: true });
    const p50 = written.sequential.metrics.find((m: { name: string }) => m.name === "p50 (steady)");
    expect(p50).toMatchObject({ decision: "fail", alpha: 0.0125, pairsUsed: pairs, decidedAt: pairs });
    expect(p50.steps).toHaveLength(pairs);
    expect(p50.steps[0].interval).toBeNull();
    // Unbounded early on: ±∞ is written as null.
    expect(p50.steps[1].interval).toEqual([null, null]);
    expect(p50.steps[pairs - 1].interval[0]).toBeGreaterThan(p50.effectiveMargin);
  });

  it("runs to the most pairs and stays inconclusive when the data do not decide", async () => {
    const order: string[] = [];
    const config = { ...CONFIG, metrics: [{ ...CONFIG.metrics[0]!, tolerance: 0 }] };
    const r = await runAb(SCENARIO, join(scratch(), "ab"), 3, config, options(fakeRunner({ baseline: { latencyMs: 20 }, canary: { latencyMs: 20 } }, order), []));
    expect(order).toHaveLength(6);
    expect(r.sequential).toMatchObject({ verdict: "inconclusive", pairs: 3, stopped: false });
  });

  it("without --sequential runs every pair and writes compare.json as before", async () => {
    const order: string[] = [];
    const dir = join(scratch(), "ab");
    const r = await runAb(SCENARIO, dir, 2, CONFIG, { ...options(fakeRunner({ baseline: { latencyMs: 20 }, canary: { latencyMs: 26 } }, order), []), sequential: undefined });
    expect(order).toEqual(["baseline 1/2", "canary 1/2", "baseline 2/2", "canary 2/2"]);
    expect(r.sequential).toBeUndefined();
    expect(JSON.parse(readFileSync(join(dir, "compare.json"), "utf8"))).not.toHaveProperty("sequential");
  });

  it("ends on a trial that errored, with nothing to compare and no sequential verdict", async () => {
    const lines: string[] = [];
    const dir = join(scratch(), "ab");
    const r = await runAb(SCENARIO, dir, 10, CONFIG, options(fakeRunner({ baseline: { latencyMs: 20 }, canary: { latencyMs: 26 } }, [], { variant: "canary", k: 2 }), lines));
    expect(lines).toHaveLength(1);
    expect(r.comparison).toBeUndefined();
    expect(r.sequential).toBeUndefined();
    expect(existsSync(join(dir, "compare.json"))).toBe(false);
  });
});
