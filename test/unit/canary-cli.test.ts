// The canary commands through the real command line (a child process, as CI runs it), without Docker:
// `compare` on folders of journals, and `run --ab --dry-run`, which must refuse what a real run refuses.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeJournal, type FixtureOptions } from "../fixtures/journal.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "steadystate.js");

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, GITHUB_STEP_SUMMARY: "" }, timeout: 110_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

function trialsFolder(dir: string, options: FixtureOptions[]): string {
  options.forEach((o, i) => {
    mkdirSync(join(dir, `trial-${i + 1}`), { recursive: true });
    writeFileSync(join(dir, `trial-${i + 1}`, "journal.json"), JSON.stringify(makeJournal(o)));
  });
  return dir;
}

// Each call starts Node and tsx: seconds on a loaded 2-core machine.
const SLOW = { timeout: 120_000 };

describe("steadystate compare", SLOW, () => {
  const dir = mkdtempSync(join(tmpdir(), "steadystate-cli-compare-"));
  const baseline = trialsFolder(join(dir, "baseline"), [{ seed: 10 }, { seed: 11 }]);
  const canary = trialsFolder(join(dir, "canary"), [{ seed: 20, latencyMs: 26 }, { seed: 21, latencyMs: 26 }]);
  /** Each metric its own group: p50 and p99 fail on the slower canary, throughput and errors pass: score 50. */
  const judgeFile = (marginal: number) => {
    const file = join(dir, `judge-${marginal}.yaml`);
    writeFileSync(
      file,
      [
        `thresholds: { pass: 95, marginal: ${marginal} }`,
        "metrics:",
        "  - { metric: p50, margin: 10% }",
        "  - { metric: p99, margin: 10% }",
        "  - { metric: throughput, margin: 10% }",
        "  - { metric: error_rate, floor: 1% }",
        "",
      ].join("\n"),
    );
    return file;
  };

  it("exits 4 on a score between the thresholds (inconclusive) and 1 below the marginal threshold", async () => {
    const between = await cli(["compare", baseline, canary, "--config", judgeFile(50)]);
    expect(between.stdout).toMatch(/^canary INCONCLUSIVE: score 50 between 50 and 95\n/);
    expect(between.code).toBe(4);
    const below = await cli(["compare", baseline, canary, "--config", judgeFile(75)]);
    expect(below.stdout).toMatch(/^canary FAIL: score 50 and at most 50 if every open metric passed, below 75 \(p50 \(steady\), p99 \(steady\) failed\)\n/);
    expect(below.code).toBe(1);
  });

  it("does not crash when each side's throughput is constant and they differ (capped at 200/s against 150/s)", async () => {
    const capped = trialsFolder(join(dir, "capped"), [{ seed: 30, rate: 150 }, { seed: 31, rate: 150 }]);
    const r = await cli(["compare", baseline, capped, "--json"]);
    expect(r.stderr).toBe("");
    const throughput = JSON.parse(r.stdout).judgement.metrics.find((m: { name: string }) => m.name === "throughput (steady)");
    expect(throughput).toMatchObject({ classification: "low", shift: -50, ci: [-50, -50] });
    // One non-critical metric of the six with data on both sides fails: score 83.3, between the thresholds.
    expect(JSON.parse(r.stdout).judgement.because).toBe("score 83.3 between 75 and 95");
    expect(r.code).toBe(4);
  });
});

describe("steadystate run --ab --dry-run", SLOW, () => {
  it("refuses a scenario without variants, as a real --ab run does (exit 2)", async () => {
    const r = await cli(["run", "scenarios/quickstart.yaml", "--ab", "--dry-run"]);
    expect(r.stderr).toBe(`${join(ROOT, "scenarios", "quickstart.yaml")}: --ab needs \`variants: { baseline: {…}, canary: {…} }\` in the scenario\n`);
    expect(r.code).toBe(2);
  });

  it("validates the judge file before printing the plan (exit 2, located messages)", async () => {
    const r = await cli(["run", "test/scenarios/ab-latency.yaml", "--ab", "--dry-run", "--config", "test/invalid/judge.yaml"]);
    expect(r.stderr.split("\n")[0]).toBe("test/invalid/judge.yaml:1:35: thresholds.marginal: must not be above pass (90)");
    expect(r.stdout).toBe("");
    expect(r.code).toBe(2);
  });

  it("refuses --config without --ab, dry run or not", async () => {
    const r = await cli(["run", "test/scenarios/ab-latency.yaml", "--dry-run", "--config", "test/invalid/judge.yaml"]);
    expect(r.stderr).toBe("--config is for --ab (or `steadystate compare`)\n");
    expect(r.code).toBe(2);
  });

  it("shows both variants' overrides (env names, not values), the judge and the files", async () => {
    const r = await cli(["run", "test/scenarios/ab-latency.yaml", "--ab", "--repeat", "3", "--dry-run", "--report", "md"]);
    expect(r.code).toBe(0);
    const plan = r.stdout.slice(r.stdout.indexOf("\nA/B: "));
    expect(plan.split("\n").slice(1, 6)).toEqual([
      "A/B: baseline and canary alternate (baseline 1, canary 1, …), 3 trial(s) each, then the judge compares them",
      "  baseline: the scenario's targets as they are",
      "  canary: api: env LATENCY_MS (values not shown)",
      "judge: p50 (steady), p99 (steady), p99 (faults), tail_p95 (steady), tail_p99 (steady), throughput (steady), error_rate (steady) *, error_rate (faults) *, mttr *, mttd at 95%, family-wise level 5% (Holm); pass ≥ 95, fail below 75, inconclusive between (exit 4)",
      "writes: baseline/, canary/, compare.json, compare.md",
    ]);
    expect(r.stdout).not.toContain("65");
  });
});

describe("steadystate run --ab --sequential", SLOW, () => {
  it("refuses --sequential without --ab, --repeat with --max-trials naming both, and too few pairs to decide (exit 2)", async () => {
    const alone = await cli(["run", "test/scenarios/ab-steady.yaml", "--sequential"]);
    expect(alone.stderr).toBe("--sequential is for --ab: it decides between the scenario's variants pair by pair\n");
    expect(alone.code).toBe(2);
    const both = await cli(["run", "no-such-file.yaml", "--ab", "--sequential", "--repeat", "3", "--max-trials", "6"]);
    expect(both.stderr).toBe("--repeat and --max-trials together: --repeat runs a fixed number of trials, --max-trials caps a --sequential run; give one\n");
    expect(both.code).toBe(2);
    const few = await cli(["run", "test/scenarios/ab-steady.yaml", "--ab", "--sequential", "--max-trials", "3"]);
    expect(few.stderr).toBe("--max-trials: 3 pairs cannot decide anything (a confidence sequence is bounded from pair 4 at the earliest); give 4 or more\n");
    expect(few.code).toBe(2);
  });

  it("shows the sequential plan: most pairs, α split, stopping rules, margins", async () => {
    const r = await cli(["run", "test/scenarios/ab-steady.yaml", "--ab", "--sequential", "--max-trials", "8", "--dry-run"]);
    expect(r.code).toBe(0);
    const plan = r.stdout.slice(r.stdout.indexOf("\nA/B, sequential: "));
    expect(plan.split("\n").slice(1, 7)).toEqual([
      "A/B, sequential: baseline and canary alternate in pairs (baseline 1, canary 1, …) until the data decide, at most 8 pairs",
      "  after each pair from pair 2, each metric's confidence sequence of canary − baseline (tuned for pair 4) passes inside its margin or fails beyond it",
      "  α 5% split over the metrics the first pair measures (at most 8: ≥ 0.6% each); bounded from pair 4 (one metric) to 5 (8)",
      "  stops when every metric has decided or a critical metric fails; exit 0 pass, 1 fail, 4 inconclusive",
      "  margins: p50 (steady) max(+10%, +1ms), p99 (steady) max(+10%, +1ms), p99 (faults) max(+20%, +1ms), throughput (steady) -10%, error_rate (steady) * +1.00 pts, error_rate (faults) * +5.00 pts, mttr * max(+20%, +500ms), mttd max(+20%, +500ms)",
      "  not sequential: tail_p95 (steady), tail_p99 (steady) (a tail has no value of one trial; the fixed-sample judge compares it)",
    ]);
    expect(plan).toContain("writes: baseline/, canary/, compare.json, compare.md (with the sequential judgement in compare.json)");
  });
});
